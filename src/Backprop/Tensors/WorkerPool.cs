namespace Backprop;

/// <summary>
/// A fixed set of background threads that run the blocks of one <see cref="IBlockJob"/> at a time, together with
/// the calling thread. Blocks are fixed by the caller (row or column ranges), so results do not depend on how many
/// threads take part or which one runs which block. Threads are started once and reused; running a job allocates
/// nothing. When the pool is already busy (another thread's job), the caller runs its blocks itself.
/// An idle worker spins for a short while before it sleeps, because training calls the pool every few
/// microseconds and waking a sleeping thread costs more than most of those calls' work.
/// </summary>
internal sealed class WorkerPool
{
    private static WorkerPool? s_shared;
    private static int s_threadCount = Environment.ProcessorCount;

    // How long an idle worker keeps polling for the next job before it blocks.
    private static readonly long s_spinTicks = System.Diagnostics.Stopwatch.Frequency / 5000;

    private readonly object _gate = new();
    private readonly SemaphoreSlim[] _wake;
    private readonly int[] _sleeping;
    private int _generation;
    private IBlockJob? _job;
    private int _blockCount;
    private int _nextBlock;
    private int _pending;
    private int _workers;

    private WorkerPool(int workers)
    {
        _wake = new SemaphoreSlim[workers];
        _sleeping = new int[workers];
        for (int w = 0; w < workers; w++)
        {
            _wake[w] = new SemaphoreSlim(0);
            int index = w;
            var thread = new Thread(() => WorkerLoop(index))
            {
                IsBackground = true,
                Name = $"Backprop worker {w + 1}",
            };
            thread.Start();
        }
    }

    /// <summary>
    /// Threads used by kernels, the calling thread included (default: the number of processors). 1 runs everything
    /// on the calling thread. Changing it never changes results, only speed.
    /// </summary>
    public static int ThreadCount
    {
        get => s_threadCount;
        set => s_threadCount = Math.Clamp(value, 1, 64);
    }

    /// <summary>Runs blocks 0 … <paramref name="blocks"/> − 1 of <paramref name="job"/> and returns when all are done.</summary>
    public static void Run(IBlockJob job, int blocks)
    {
        int threads = Math.Min(s_threadCount, blocks);
        if (threads <= 1)
        {
            for (int b = 0; b < blocks; b++)
            {
                job.Execute(b);
            }
            return;
        }
        Shared(threads - 1).RunParallel(job, blocks, threads - 1);
    }

    private static WorkerPool Shared(int workers)
    {
        WorkerPool? pool = Volatile.Read(ref s_shared);
        if (pool is null || pool._wake.Length < workers)
        {
            lock (typeof(WorkerPool))
            {
                pool = s_shared;
                if (pool is null || pool._wake.Length < workers)
                {
                    // Grows at most to the largest thread count asked for; the old threads stay parked.
                    pool = new WorkerPool(Math.Max(workers, Environment.ProcessorCount - 1));
                    Volatile.Write(ref s_shared, pool);
                }
            }
        }
        return pool;
    }

    private void RunParallel(IBlockJob job, int blocks, int workers)
    {
        if (!Monitor.TryEnter(_gate))
        {
            for (int b = 0; b < blocks; b++)
            {
                job.Execute(b);
            }
            return;
        }
        try
        {
            _job = job;
            _blockCount = blocks;
            _nextBlock = 0;
            _workers = workers;
            Volatile.Write(ref _pending, workers);
            Interlocked.Increment(ref _generation);
            for (int w = 0; w < workers; w++)
            {
                // A worker that announced it sleeps gets exactly one wake-up; a spinning one sees the new generation.
                if (Interlocked.Exchange(ref _sleeping[w], 0) == 1)
                {
                    _wake[w].Release();
                }
            }
            TakeBlocks(job);
            // The job (and the memory its blocks point to) must outlive every worker's last block: wait for all of them.
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) != 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            _job = null;
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    private void TakeBlocks(IBlockJob job)
    {
        int b;
        while ((b = Interlocked.Increment(ref _nextBlock) - 1) < _blockCount)
        {
            job.Execute(b);
        }
    }

    private void WorkerLoop(int index)
    {
        int seen = 0;
        while (true)
        {
            seen = WaitForGeneration(index, seen);
            if (index >= Volatile.Read(ref _workers))
            {
                continue; // this job asked for fewer threads
            }
            IBlockJob? job = Volatile.Read(ref _job);
            if (job is not null)
            {
                TakeBlocks(job);
            }
            Interlocked.Decrement(ref _pending);
        }
    }

    // Returns the first job generation after `seen`: polls for a short while, then sleeps on the worker's semaphore.
    private int WaitForGeneration(int index, int seen)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            int generation = Volatile.Read(ref _generation);
            if (generation != seen)
            {
                return generation;
            }
            if (System.Diagnostics.Stopwatch.GetTimestamp() - start < s_spinTicks)
            {
                Thread.SpinWait(20);
                continue;
            }
            Interlocked.Exchange(ref _sleeping[index], 1);
            if (Volatile.Read(ref _generation) != seen)
            {
                // A job arrived meanwhile. If its dispatcher already took the flag, it released the semaphore: consume it.
                if (Interlocked.Exchange(ref _sleeping[index], 0) == 0)
                {
                    _wake[index].Wait();
                }
                continue;
            }
            _wake[index].Wait();
            start = System.Diagnostics.Stopwatch.GetTimestamp();
        }
    }
}
