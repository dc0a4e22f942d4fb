using Backprop.Tests.Tensors;

namespace Backprop.Tests.Training;

/// <summary>The contract between the two training steps: the fast step gives the reference step's bits.</summary>
[Collection(KernelSettingsCollection.Name)]
public class TrainingStepTests
{
    [Theory]
    [InlineData("sgd", 1, 0.0)]
    [InlineData("sgd", 2, 0.0)]
    [InlineData("sgd", 2, 0.3)]
    [InlineData("adam", 2, 0.0)]
    [InlineData("momentum", 2, 0.2)]
    [InlineData("nesterov", 2, 0.0)]
    [InlineData("adamw", 2, 0.0)]
    [InlineData("rmsprop", 2, 0.0)]
    [InlineData("adam", 1, 0.0)]
    public void The_fast_step_gives_the_bits_of_the_reference_step(string optimizer, int threads, double dropout)
    {
        Dataset<float> data = TestData.Blobs(300, classes: 3, features: 20, seed: 8);
        float[] Train(bool reference)
        {
            int saved = WorkerPool.ThreadCount;
            try
            {
                WorkerPool.ThreadCount = threads;
                Activation[] activations = [Activation.Relu, Activation.Relu, Activation.Softmax];
                Network<float> network = dropout > 0
                    ? TestData.WithDropout<float>([20, 48, 24, 3], activations, Loss.CrossEntropy, dropout)
                    : new Network<float>([20, 48, 24, 3], activations, Loss.CrossEntropy);
                Initializer.Randomize(network, seed: 6);
                IOptimizer<float> step = OptimizerNames.Create(optimizer, new OptimizerSettings(0.05, 0.9, 1e-4));
                var trainer = new Trainer<float>(network, step, new TrainingOptions { MaxEpochs = 3, BatchSize = 32, Seed = 1 })
                {
                    UseReferenceStep = reference,
                };
                trainer.Fit(data);
                return network.Parameters.ToArray();
            }
            finally
            {
                WorkerPool.ThreadCount = saved;
            }
        }
        Assert.True(Train(reference: true).AsSpan().SequenceEqual(Train(reference: false)), "the parameters differ");
    }

    // A first layer of 448 × 300 weights: the fused SGD step writes its ∇W past the caches (PackedGemm's
    // StreamsGradientInStep), in the paired job with the next batch's forward pass on two threads. The gradients the
    // network holds after training are still the reference step's, as are the parameters.
    [PackedKernelTheory]
    [InlineData(1, 0.0, true)]
    [InlineData(2, 0.0, true)]
    [InlineData(2, 1e-4, true)]
    [InlineData(2, 1e-4, false)]
    public void The_fast_step_of_a_large_layer_leaves_the_gradients_of_the_reference_step(int threads, double decay, bool wide)
    {
        Dataset<float> data = TestData.Blobs(200, classes: 3, features: 300, seed: 9);
        (float[] Parameters, float[] Gradients) Train(bool reference)
        {
            int saved = WorkerPool.ThreadCount;
            bool savedWide = PackedGemm.UseVector512;
            try
            {
                WorkerPool.ThreadCount = threads;
                PackedGemm.UseVector512 = wide;
                var network = new Network<float>([300, 448, 3], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
                Initializer.Randomize(network, seed: 7);
                var trainer = new Trainer<float>(network, new Sgd<float>(0.05, 0, weightDecay: decay), new TrainingOptions { MaxEpochs = 2, BatchSize = 64, Seed = 3 })
                {
                    UseReferenceStep = reference,
                };
                trainer.Fit(data);
                return (network.Parameters.ToArray(), network.Gradients.ToArray());
            }
            finally
            {
                WorkerPool.ThreadCount = saved;
                PackedGemm.UseVector512 = savedWide;
            }
        }
        (float[] Parameters, float[] Gradients) expected = Train(reference: true);
        (float[] Parameters, float[] Gradients) actual = Train(reference: false);
        Assert.True(expected.Parameters.AsSpan().SequenceEqual(actual.Parameters), "the parameters differ");
        Assert.True(expected.Gradients.AsSpan().SequenceEqual(actual.Gradients), "the gradients differ");
    }
}
