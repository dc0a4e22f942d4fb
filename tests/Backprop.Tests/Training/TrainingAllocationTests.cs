using Backprop.Tests.Tensors;

namespace Backprop.Tests.Training;

/// <summary>
/// A training step allocates nothing; only an epoch's report does. The bytes counted are this thread's, and which blocks
/// this thread runs itself depends on whether another test holds the worker pool at that moment. Run beside the rest of
/// the suite the count came out at about 3 KB an epoch in a few runs of many, so these tests run alone, in the
/// collection of the tests that change kernel settings.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class TrainingAllocationTests
{
    [Fact]
    public void Training_steps_allocate_nothing_only_epochs_do()
    {
        Dataset<float> data = TestData.Blobs(200);
        long Allocated(int epochs)
        {
            Network<float> network = TestData.WithDropout<float>([2, 16, 3], [Activation.Relu, Activation.Softmax], new SoftmaxCrossEntropy([1.0, 2.0, 3.0]), 0.2);
            var trainer = new Trainer<float>(network, new Adam<float>(0.01), new TrainingOptions
            {
                MaxEpochs = epochs, BatchSize = 3, Schedule = LearningRateSchedule.Cosine(),
            });
            trainer.BatchCompleted = _ => { };
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Fit(data, TestData.Blobs(10, seed: 3));
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        long perEpoch = SteadyBytesPerEpoch(Allocated);
        // 200 batches per epoch; an epoch's report and history entry are a few hundred bytes.
        Assert.True(perEpoch < 2000, $"{perEpoch} bytes per epoch");
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("nesterov")]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("rmsprop")]
    public void Fused_steps_with_batches_gathered_ahead_allocate_nothing_only_epochs_do(string optimizer)
    {
        // Every optimizer with weight decay: the step inside the backward pass, ∇b in the ∇W job, and (with two
        // threads) each next batch gathered in the background.
        Dataset<float> data = TestData.Blobs(1280);
        long Allocated(int epochs)
        {
            var network = new Network<float>([2, 64, 3], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
            Initializer.Randomize(network, seed: 8);
            IOptimizer<float> step = OptimizerNames.Create(optimizer, new OptimizerSettings(0.01, 0.9, 1e-4));
            var trainer = new Trainer<float>(network, step, new TrainingOptions { MaxEpochs = epochs, BatchSize = 64, Seed = 2 });
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Fit(data);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        long perEpoch = SteadyBytesPerEpoch(Allocated);
        // 20 batches per epoch; an epoch's report and history entry are a few hundred bytes.
        Assert.True(perEpoch < 1000, $"{perEpoch} bytes per epoch");
    }

    // Bytes per epoch once every buffer exists. Buffers are made on first use by the thread that needs them (the GEMM's
    // scratch space is per thread, and the calling thread runs the blocks itself while another test holds the worker
    // pool), so a one-time allocation can fall into any measurement. A first run with every block on this thread makes
    // this thread's; the least of three measurements after it is the steady state, and a step that allocates every time
    // still shows in all three (a 40-byte array a step: about 4 KB an epoch).
    private static long SteadyBytesPerEpoch(Func<int, long> allocated)
    {
        // First every block on this thread (as when another test holds the pool throughout), so that this thread's
        // per-job objects exist before anything is measured, whichever jobs it ends up running itself later.
        bool callerOnly = WorkerPool.CallerOnly;
        WorkerPool.CallerOnly = true;
        try
        {
            allocated(1);
        }
        finally
        {
            WorkerPool.CallerOnly = callerOnly;
        }
        allocated(1);
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            least = Math.Min(least, (allocated(6) - allocated(2)) / 4);
        }
        return least;
    }
}
