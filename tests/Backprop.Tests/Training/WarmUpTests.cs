using Backprop.Cli.Commands;
using Backprop.Tests.Data;
using Backprop.Tests.Tensors;

namespace Backprop.Tests.Training;

/// <summary>
/// ClassifierRun.WarmUp, which `train --dataset fashion-mnist` runs on a second thread while the data loads: it must
/// leave every other run's results alone, keep off the worker threads, and run only where loading takes a while.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class WarmUpTests
{
    // Wide enough that the products split over the threads (m·n·k of at least 2^20) and the batches are gathered ahead.
    private static readonly ClassifierOptions Options = new()
    {
        HiddenLayers = [256, 32],
        Optimizer = "momentum",
        LearningRate = 0.01,
        BatchSize = 64,
        Epochs = 3,
        Seed = 5,
    };

    private static float[] Train(Dataset<float> data)
    {
        var run = new ClassifierRun(Options, data);
        run.Trainer.BatchCompletedUsesNetwork = false;
        run.Trainer.BatchCompleted = _ => { };
        run.Trainer.Fit(data);
        return run.Network.Parameters.ToArray();
    }

    [Fact]
    public void A_warm_up_beside_a_training_run_or_before_it_leaves_its_parameters_bit_identical()
    {
        int saved = Engine.ThreadCount;
        try
        {
            Engine.ThreadCount = 2;
            Dataset<float> data = TestData.Blobs(100, classes: 4, features: 64, seed: 9);
            float[] alone = Train(data);

            using var stop = new CancellationTokenSource();
            var warmUp = new Thread(() => ClassifierRun.WarmUp(Options, 64, 4, imageBytes: true, stop.Token));
            warmUp.Start();
            float[] beside = Train(data);
            stop.Cancel();
            warmUp.Join();
            ClassifierRun.WarmUp(Options with { Optimizer = "adam", Dropout = 0.2, BatchNorm = true }, 64, 4);
            float[] after = Train(data);

            Assert.Equal(alone, beside);
            Assert.Equal(alone, after);
        }
        finally
        {
            Engine.ThreadCount = saved;
        }
    }

    [Fact]
    public void Without_tiered_compilation_the_warm_up_runs_only_the_steps_that_reach_every_method()
    {
        // An application's runtimeconfig.json or DOTNET_TieredCompilation=0 (which wins) turns tiered compilation off,
        // and then every method is compiled at its first call: a longer warm-up would only take the core from the
        // thread that loads the data.
        ClassifierOptions small = Options with { HiddenLayers = [16] };
        string? saved = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation");
        try
        {
            Environment.SetEnvironmentVariable("DOTNET_TieredCompilation", null);
            AppContext.SetSwitch("System.Runtime.TieredCompilation", false);
            Assert.Equal(TrainingWarmUp.UntieredSteps, TrainingWarmUp.Run(small, 8, 2, imageBytes: true, CancellationToken.None));
            AppContext.SetSwitch("System.Runtime.TieredCompilation", true);
            Assert.Equal(TrainingWarmUp.MaxSteps, TrainingWarmUp.Run(small, 8, 2, imageBytes: true, CancellationToken.None));
            Environment.SetEnvironmentVariable("DOTNET_TieredCompilation", "0");
            Assert.Equal(TrainingWarmUp.UntieredSteps, TrainingWarmUp.Run(small, 8, 2, imageBytes: true, CancellationToken.None));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOTNET_TieredCompilation", saved);
            AppContext.SetSwitch("System.Runtime.TieredCompilation", true);
        }
    }

    private sealed class ThreadRecordingJob(int blocks) : IBlockJob
    {
        public int[] Threads { get; } = new int[blocks];

        public void Execute(int block)
        {
            Thread.SpinWait(2000); // long enough that a polling worker would claim blocks of its own
            Threads[block] = Environment.CurrentManagedThreadId;
        }
    }

    [Fact]
    public void A_thread_that_runs_jobs_alone_keeps_every_block_to_itself_and_the_warm_up_gives_the_setting_back()
    {
        int saved = Engine.ThreadCount;
        try
        {
            Engine.ThreadCount = 2;
            ClassifierRun.WarmUp(Options with { Epochs = 1 }, 8, 2, cancellation: new CancellationToken(true));
            Assert.False(WorkerPool.CallerOnly);
            WorkerPool.CallerOnly = true;
            try
            {
                var job = new ThreadRecordingJob(16);
                WorkerPool.Run(job, 16);
                var background = new ThreadRecordingJob(4);
                WorkerPool.RunInBackground(background, 4);
                Assert.All(background.Threads, thread => Assert.Equal(Environment.CurrentManagedThreadId, thread)); // before any wait
                Assert.All(job.Threads, thread => Assert.Equal(Environment.CurrentManagedThreadId, thread));
            }
            finally
            {
                WorkerPool.CallerOnly = false;
            }
        }
        finally
        {
            Engine.ThreadCount = saved;
        }
    }

    [Fact]
    public void The_command_line_warms_up_only_while_fashion_mnist_loads_and_only_with_a_second_thread()
    {
        int saved = Engine.ThreadCount;
        var options = new ClassifierOptions { HiddenLayers = [16], BatchSize = 32 };
        try
        {
            Engine.ThreadCount = 2;
            foreach (string? small in new[] { null, "iris", "digits", "moons" })
            {
                using LoadingWarmUp quick = LoadingWarmUp.Start(small, options, null, null);
                Assert.False(quick.Started, small);
            }
            using (LoadingWarmUp wrongLayers = LoadingWarmUp.Start("fashion-mnist", options, [784, 16, 3], null))
            {
                Assert.False(wrongLayers.Started); // the run itself reports the mismatch
            }
            using var missing = new TempDirectory();
            using (LoadingWarmUp images = LoadingWarmUp.Start("Fashion-MNIST", options, [784, 16, 10], missing.Path))
            {
                Assert.True(images.Started);
                images.Stop(); // where the rows are read; the dispose after it finds nothing left to stop
                // The test split it read on its thread: the error of reading it, as if read here.
                var e = Assert.Throws<FileNotFoundException>(() => images.TestSplit!());
                Assert.Contains(Path.Combine(missing.Path, "t10k-images-idx3-ubyte"), e.Message);
            }
            Engine.ThreadCount = 1;
            using LoadingWarmUp oneThread = LoadingWarmUp.Start("fashion-mnist", options, null, null);
            Assert.Null(oneThread.TestSplit);
            Assert.False(oneThread.Started);
        }
        finally
        {
            Engine.ThreadCount = saved;
        }
    }

    [Fact]
    public void The_test_split_read_beside_the_warm_up_is_the_one_the_run_would_read()
    {
        int saved = Engine.ThreadCount;
        using var dir = new TempDirectory();
        dir.Write("train-images-idx3-ubyte", IdxFiles.Images(3, 28, 28, i => (byte)i));
        dir.Write("train-labels-idx1-ubyte", IdxFiles.Labels(9, 0, 4));
        dir.Write("t10k-images-idx3-ubyte.gz", IdxFiles.Gzip(IdxFiles.Images(2, 28, 28, i => (byte)(i * 7))));
        dir.Write("t10k-labels-idx1-ubyte", IdxFiles.Labels(1, 2));
        try
        {
            Engine.ThreadCount = 2;
            using LoadingWarmUp warmUp = LoadingWarmUp.Start("fashion-mnist", new ClassifierOptions { HiddenLayers = [8], BatchSize = 16 }, null, dir.Path);
            // Read by whichever thread claims it first: here usually this one, while the warm-up still compiles.
            Dataset<float> test = warmUp.TestSplit!();
            warmUp.Stop();
            Dataset<float> expected = FashionMnist.LoadTest<float>(dir.Path);
            Assert.Equal(expected.Features.ToArray(), test.Features.ToArray());
            Assert.Equal(expected.Labels.ToArray(), test.Labels.ToArray());
        }
        finally
        {
            Engine.ThreadCount = saved;
        }
    }
}
