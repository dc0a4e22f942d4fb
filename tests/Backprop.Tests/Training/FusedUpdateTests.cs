using Backprop.Tests.Tensors;

namespace Backprop.Tests.Training;

/// <summary>
/// Every element-wise optimizer stepped inside the backward pass (each tile of W in the epilogue of the GEMM that
/// produces ∇W, b beside its sums) must give the bits of Backward and then Step: parameters, gradients and state.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class FusedUpdateTests
{
    public static TheoryData<string, double, int, bool> Cases()
    {
        var cases = new TheoryData<string, double, int, bool>();
        foreach (string optimizer in OptimizerNames.All)
        {
            foreach (double decay in new[] { 0.0, 1e-3 })
            {
                cases.Add(optimizer, decay, 1, true);
                cases.Add(optimizer, decay, 2, true);
            }
        }
        cases.Add("adam", 1e-3, 2, false);     // Vector256 kernels
        cases.Add("nesterov", 0.0, 2, false);
        return cases;
    }

    [PackedKernelTheory]
    [MemberData(nameof(Cases))]
    public void Stepping_inside_the_backward_pass_gives_the_bits_of_backward_then_step(string optimizer, double decay, int threads, bool wide)
    {
        // 300 inputs and 80 hidden units: ∇W of the first layer is large enough to be split between two threads, and
        // 300 = 9 × 32 + 12 leaves a narrow last column of tiles; a batch of 1000 takes k beyond one block.
        const int Inputs = 300;
        Dataset<float> data = TestData.Blobs(400, classes: 3, features: Inputs, seed: 9);
        int savedThreads = WorkerPool.ThreadCount;
        bool savedWide = PackedGemm.UseVector512;
        try
        {
            WorkerPool.ThreadCount = threads;
            PackedGemm.UseVector512 = wide;
            (Network<float> Network, IOptimizer<float> Optimizer) Make()
            {
                var network = new Network<float>([Inputs, 80, 40, 3], [Activation.Relu, Activation.Tanh, Activation.Softmax], Loss.CrossEntropy);
                Initializer.Randomize(network, seed: 3);
                return (network, OptimizerNames.Create(optimizer, new OptimizerSettings(0.01, 0.9, decay)));
            }
            var (fused, fusedStep) = Make();
            var (plain, plainStep) = Make();
            int start = 0;
            foreach (int batch in new[] { 64, 64, 17, 1000, 64 })
            {
                var x = new float[batch * Inputs];
                var t = new float[batch * 3];
                data.Gather([.. Enumerable.Range(start, batch)], x, t);
                start = (start + batch) % 200;
                fused.Forward(x, t, batch);
                fused.BackwardAndStep((IFusedUpdate<float>)fusedStep);
                plain.Forward(x, t, batch);
                plain.Backward();
                plainStep.Step(plain.Parameters, plain.Gradients);
                Assert.True(fused.Gradients.SequenceEqual(plain.Gradients), $"batch of {batch}: the gradients differ");
                Assert.True(fused.Parameters.SequenceEqual(plain.Parameters), $"batch of {batch}: the parameters differ");
            }
            var fusedState = (IStatefulOptimizer<float>)fusedStep;
            var plainState = (IStatefulOptimizer<float>)plainStep;
            Assert.Equal(5, fusedState.Steps);
            Assert.Equal(plainState.Steps, fusedState.Steps);
            var fusedBuffers = fusedState.StateBuffers(fused.Parameters.Length);
            var plainBuffers = plainState.StateBuffers(plain.Parameters.Length);
            Assert.Equal(plainBuffers.Select(b => b.Key), fusedBuffers.Select(b => b.Key));
            for (int i = 0; i < plainBuffers.Count; i++)
            {
                Assert.True(fusedBuffers[i].Value.AsSpan().SequenceEqual(plainBuffers[i].Value), $"state {plainBuffers[i].Key} differs");
            }
        }
        finally
        {
            WorkerPool.ThreadCount = savedThreads;
            PackedGemm.UseVector512 = savedWide;
        }
    }

    [PackedKernelTheory]
    [InlineData("momentum")]
    [InlineData("adam")]
    [InlineData("rmsprop")]
    public void A_layer_without_a_fused_gemm_is_stepped_at_its_own_offset(string optimizer)
    {
        // Batch norm's γ and β lie between two dense layers' parameters and are stepped after the backward pass, by
        // the same update, with their state at their own offset.
        Dataset<float> data = TestData.Blobs(100, classes: 3, features: 6, seed: 2);
        Network<float> Make() => new(6, [new Dense<float>(20, Activation.Relu), new BatchNorm<float>(), new Dense<float>(3, Activation.Softmax)], Loss.CrossEntropy);
        Network<float> fused = Make(), plain = Make();
        Initializer.Randomize(fused, seed: 1);
        Initializer.Randomize(plain, seed: 1);
        IOptimizer<float> fusedStep = OptimizerNames.Create(optimizer, new OptimizerSettings(0.01, 0.9, 1e-3));
        IOptimizer<float> plainStep = OptimizerNames.Create(optimizer, new OptimizerSettings(0.01, 0.9, 1e-3));
        var x = new float[32 * 6];
        var t = new float[32 * 3];
        for (int step = 0; step < 3; step++)
        {
            data.Gather([.. Enumerable.Range(step * 32, 32)], x, t);
            fused.Forward(x, t, 32);
            fused.BackwardAndStep((IFusedUpdate<float>)fusedStep);
            plain.Forward(x, t, 32);
            plain.Backward();
            plainStep.Step(plain.Parameters, plain.Gradients);
        }
        Assert.True(fused.Parameters.SequenceEqual(plain.Parameters), "the parameters differ");
    }
}
