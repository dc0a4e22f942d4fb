namespace Backprop.Tests.Tensors;

[Collection(KernelSettingsCollection.Name)]
public class WorkerPoolTests
{
    private sealed class CountingJob(int blocks) : IBlockJob
    {
        public int[] Runs { get; } = new int[blocks];

        public void Execute(int block) => Interlocked.Increment(ref Runs[block]);
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
