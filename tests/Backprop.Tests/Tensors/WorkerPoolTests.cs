namespace Backprop.Tests.Tensors;

[Collection(KernelSettingsCollection.Name)]
public class WorkerPoolTests
{
    private sealed class CountingJob(int blocks) : IBlockJob
    {
        public int[] Runs { get; } = new int[blocks];

        public int OutOfRange;

        public void Execute(int block)
        {
            if ((uint)block >= (uint)Runs.Length)
            {
                Interlocked.Increment(ref OutOfRange);
                return;
            }
            Interlocked.Increment(ref Runs[block]);
        }
    }

    [Fact]
    public void A_late_worker_never_runs_a_block_of_a_finished_job_or_one_past_the_end()
    {
        // Jobs of few blocks followed by jobs of many: a worker still looking at the previous job must not claim a
        // block of it (or of the next one) with the next job's block count.
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = 3;
            var jobs = new List<CountingJob>();
            for (int repeat = 0; repeat < 20_000; repeat++)
            {
                var job = new CountingJob(repeat % 2 == 0 ? 2 : 9);
                WorkerPool.Run(job, job.Runs.Length);
                jobs.Add(job);
            }
            Thread.Sleep(50);
            Assert.All(jobs, job =>
            {
                Assert.Equal(0, job.OutOfRange);
                Assert.All(job.Runs, count => Assert.Equal(1, count));
            });
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 64)]
    public void Every_block_runs_exactly_once(int threads, int blocks)
    {
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            for (int repeat = 0; repeat < 500; repeat++)
            {
                var job = new CountingJob(blocks);
                WorkerPool.Run(job, blocks);
                Assert.All(job.Runs, count => Assert.Equal(1, count));
            }
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    // Records which thread ran each block, and can hold its blocks back until released.
    private sealed class RecordingJob(int blocks) : IBlockJob
    {
        public int[] Runs { get; } = new int[blocks];

        public int[] Threads { get; } = new int[blocks];

        public ManualResetEventSlim Gate { get; } = new(true);

        public void Execute(int block)
        {
            Gate.Wait(TimeSpan.FromSeconds(10)); // never hangs the test run, even if a block ran on the caller
            Threads[block] = Environment.CurrentManagedThreadId;
            Interlocked.Increment(ref Runs[block]);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 4)]
    [InlineData(2, 1)]
    [InlineData(2, 4)]
    [InlineData(3, 9)]
    public void A_background_job_runs_every_block_once_beside_the_caller_and_is_done_after_the_wait(int threads, int blocks)
    {
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            for (int repeat = 0; repeat < 300; repeat++)
            {
                var background = new RecordingJob(blocks);
                WorkerPool.RunInBackground(background, blocks);
                // The caller's own small work meanwhile: a job of one block runs here without waiting.
                var own = new CountingJob(1);
                WorkerPool.Run(own, 1);
                Assert.Equal(1, own.Runs[0]);
                WorkerPool.WaitForBackground();
                Assert.All(background.Runs, count => Assert.Equal(1, count));
            }
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    [Fact]
    public void A_background_job_runs_on_a_worker_while_the_caller_goes_on()
    {
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = 2;
            // A pool whose workers fell behind runs jobs on the caller for 50 ms; let any such spell end.
            Thread.Sleep(100);
            var background = new RecordingJob(1);
            background.Gate.Reset();
            WorkerPool.RunInBackground(background, 1);
            // RunInBackground returned while the block is held back: it is not running on this thread.
            Thread.Sleep(20);
            Assert.Equal(0, background.Runs[0]);
            background.Gate.Set();
            WorkerPool.WaitForBackground();
            Assert.Equal(1, background.Runs[0]);
            Assert.NotEqual(Environment.CurrentManagedThreadId, background.Threads[0]);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    [Fact]
    public void A_parallel_run_finishes_the_callers_background_job_first()
    {
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = 2;
            for (int repeat = 0; repeat < 300; repeat++)
            {
                var background = new RecordingJob(4);
                WorkerPool.RunInBackground(background, 4);
                var next = new CountingJob(6);
                WorkerPool.Run(next, 6);
                // Run waited for the background job (and helped with it) before it published its own blocks.
                Assert.All(background.Runs, count => Assert.Equal(1, count));
                Assert.All(next.Runs, count => Assert.Equal(1, count));
                WorkerPool.WaitForBackground(); // nothing left: returns at once
            }
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }
}
