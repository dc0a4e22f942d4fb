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
}
