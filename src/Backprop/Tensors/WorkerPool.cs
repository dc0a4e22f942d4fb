using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Backprop.Tensors;

/// <summary>
/// A fixed set of background threads that run the blocks of one <see cref="IBlockJob"/> at a time, together with
/// the calling thread. Blocks are fixed by the caller (row or column ranges), so results do not depend on how many
/// threads take part or which one runs which block. Threads are started once and reused; running a job allocates
/// nothing. When the pool is already busy (another thread's job), the caller runs its blocks itself.
/// </summary>
/// <remarks>
/// Threads claim blocks one at a time, so the caller never waits for a worker that has not started: it only waits
/// for blocks already claimed. An idle worker polls for a short while before it sleeps, because training calls the
/// pool every few microseconds and waking a sleeping thread costs more than most of those calls' work. When the
/// workers keep falling behind (other processes hold the cores), the pool runs jobs on the calling thread alone for a
/// while; that changes speed only, never results.
/// </remarks>
internal sealed class WorkerPool
{
    private static WorkerPool? s_shared;
    private static int s_threadCount = Environment.ProcessorCount;

    // How long an idle worker keeps polling for the next job before it blocks.
    private static readonly long s_spinTicks = Stopwatch.Frequency / 5000;

    // How long jobs run on the calling thread alone after the workers fell behind several times in a row.
    private static readonly long s_soloTicks = Stopwatch.Frequency / 20;

    // The block index of a generation whose job is still being published: no block can be claimed yet.
    private const int Closed = int.MaxValue;

    private readonly object _gate = new();
    private readonly SemaphoreSlim[] _wake;
    private readonly int[] _sleeping;

    // The job's generation (high 32 bits) and the next unclaimed block (low 32 bits), claimed by compare-and-swap,
    // so that a worker that wakes late can never claim a block of a job that has already finished.
    private long _ticket;
    private IBlockJob? _job;
    private int _blockCount;
    private int _done;
    private int _workers;
    private int _straggles;
    private long _soloUntil;

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

    // The job this thread started with RunInBackground and has not yet waited for: its pool (whose gate this thread
    // holds meanwhile), generation and block count.
    [ThreadStatic]
    private static WorkerPool? t_backgroundPool;

    [ThreadStatic]
    private static long t_backgroundGeneration;

    [ThreadStatic]
    private static int t_backgroundBlocks;

    [ThreadStatic]
    private static bool t_callerOnly;

    /// <summary>How many times the pool has gone to running jobs on the calling thread alone (benchmarks read it).</summary>
    internal static long SoloPeriods;

    /// <summary>
    /// Whether this thread runs every job's blocks itself, as with one thread, without the worker threads (default
    /// false). The blocks, and so the results, stay those of <see cref="ThreadCount"/>; a warm-up run on a background
    /// thread sets it, so that it neither competes for the workers nor feeds the straggler rule with its slow first calls.
    /// </summary>
    public static bool CallerOnly
    {
        get => t_callerOnly;
        set => t_callerOnly = value;
    }

    /// <summary>
    /// Runs blocks 0 … <paramref name="blocks"/> − 1 of <paramref name="job"/> and returns when all are done.
    /// A job this thread started with <see cref="RunInBackground"/> is finished first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(IBlockJob job, int blocks)
    {
        int threads = Math.Min(s_threadCount, blocks);
        if (threads > 1 && !t_callerOnly)
        {
            WaitForBackground();
            WorkerPool pool = Shared(threads - 1);
            if (Stopwatch.GetTimestamp() >= Volatile.Read(ref pool._soloUntil) && Monitor.TryEnter(pool._gate))
            {
                try
                {
                    pool.RunParallel(job, blocks, threads - 1);
                }
                finally
                {
                    Monitor.Exit(pool._gate);
                }
                return;
            }
        }
        for (int b = 0; b < blocks; b++)
        {
            job.Execute(b);
        }
    }

    /// <summary>
    /// Hands blocks 0 … <paramref name="blocks"/> − 1 of <paramref name="job"/> to the worker threads and returns at
    /// once, so that the calling thread can go on with work of its own (the trainer gathers the next batch this way
    /// while it computes the small layers of the current one). The job must not touch what the caller works on
    /// meanwhile. <see cref="WaitForBackground"/> finishes it, running any block no worker has claimed yet; so does the
    /// next parallel <see cref="Run"/> from this thread. Where no worker is free (one thread, or the pool busy) the
    /// blocks run here before this returns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunInBackground(IBlockJob job, int blocks)
    {
        WaitForBackground();
        if (blocks < 1)
        {
            return;
        }
        if (s_threadCount > 1 && !t_callerOnly)
        {
            WorkerPool pool = Shared(s_threadCount - 1);
            if (Stopwatch.GetTimestamp() >= Volatile.Read(ref pool._soloUntil) && Monitor.TryEnter(pool._gate))
            {
                t_backgroundGeneration = pool.Publish(job, blocks, Math.Min(s_threadCount - 1, blocks));
                t_backgroundBlocks = blocks;
                t_backgroundPool = pool;
                return;
            }
        }
        for (int b = 0; b < blocks; b++)
        {
            job.Execute(b);
        }
    }

    /// <summary>Returns when the job this thread started with <see cref="RunInBackground"/> is done (at once if none).</summary>
    public static void WaitForBackground()
    {
        WorkerPool? pool = t_backgroundPool;
        if (pool is null)
        {
            return;
        }
        t_backgroundPool = null;
        try
        {
            pool.ClaimBlocks(t_backgroundGeneration);
            var spin = new SpinWait();
            while (Volatile.Read(ref pool._done) != t_backgroundBlocks)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            pool._job = null;
        }
        finally
        {
            Monitor.Exit(pool._gate);
        }
    }

    /// <summary>
    /// Starts the worker threads for <see cref="ThreadCount"/> now (they are otherwise started by the first parallel
    /// job), so that a run does not pay for starting them. Touches nothing else of the pool's state.
    /// </summary>
    public static void Start()
    {
        if (s_threadCount > 1)
        {
            Shared(s_threadCount - 1);
        }
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

    // Makes `job` the pool's current job, open to `workers` workers, and returns its generation. The caller holds _gate.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long Publish(IBlockJob job, int blocks, int workers)
    {
        // Close first: the new generation with no block to claim. A worker still inside ClaimBlocks for the previous
        // job reads a foreign generation from now on, so it can neither claim a block of that job with this job's
        // block count nor count a block into this job's _done.
        long generation = (Volatile.Read(ref _ticket) >> 32) + 1;
        Interlocked.Exchange(ref _ticket, (generation << 32) | Closed);
        _job = job;
        _blockCount = blocks;
        _workers = workers;
        Volatile.Write(ref _done, 0);
        Interlocked.Exchange(ref _ticket, generation << 32);
        for (int w = 0; w < workers; w++)
        {
            // A worker that announced it sleeps gets exactly one wake-up; a polling one sees the new generation.
            if (Interlocked.Exchange(ref _sleeping[w], 0) == 1)
            {
                _wake[w].Release();
            }
        }
        return generation;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunParallel(IBlockJob job, int blocks, int workers)
    {
        long generation = Publish(job, blocks, workers);

        long start = Stopwatch.GetTimestamp();
        ClaimBlocks(generation);
        long own = Stopwatch.GetTimestamp() - start;

        // Blocks claimed by workers must finish before the job (and the memory its blocks point to) is released.
        var spin = new SpinWait();
        while (Volatile.Read(ref _done) != blocks)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        long waited = Stopwatch.GetTimestamp() - start - own;
        _job = null;

        if (waited > own && waited > Stopwatch.Frequency / 20000)
        {
            if (++_straggles >= 3)
            {
                Volatile.Write(ref _soloUntil, Stopwatch.GetTimestamp() + s_soloTicks);
                _straggles = 0;
                SoloPeriods++;
            }
        }
        else
        {
            _straggles = 0;
        }
    }

    // Claims and runs blocks of the job of `generation` until none is left. The job is read after a successful claim:
    // while one of its blocks is claimed and unfinished, the dispatcher keeps it published.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ClaimBlocks(long generation)
    {
        var spin = new SpinWait();
        while (true)
        {
            long ticket = Volatile.Read(ref _ticket);
            int block = (int)(ticket & 0xFFFF_FFFF);
            if (ticket >> 32 != generation)
            {
                return;
            }
            if (block == Closed)
            {
                spin.SpinOnce(sleep1Threshold: -1); // the dispatcher is publishing this generation's job
                continue;
            }
            if (block >= Volatile.Read(ref _blockCount))
            {
                return;
            }
            if (Interlocked.CompareExchange(ref _ticket, ticket + 1, ticket) == ticket)
            {
                Volatile.Read(ref _job)!.Execute(block);
                Interlocked.Increment(ref _done);
            }
        }
    }

    private void WorkerLoop(int index)
    {
        long seen = 0;
        while (true)
        {
            seen = WaitForGeneration(index, seen);
            if (index >= Volatile.Read(ref _workers))
            {
                continue; // this job asked for fewer threads
            }
            ClaimBlocks(seen);
        }
    }

    // Returns the first job generation after `seen`: polls for a short while, then sleeps on the worker's semaphore.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long WaitForGeneration(int index, long seen)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            long generation = Volatile.Read(ref _ticket) >> 32;
            if (generation != seen)
            {
                return generation;
            }
            if (Stopwatch.GetTimestamp() - start < s_spinTicks)
            {
                Thread.SpinWait(20);
                continue;
            }
            Interlocked.Exchange(ref _sleeping[index], 1);
            if (Volatile.Read(ref _ticket) >> 32 != seen)
            {
                // A job arrived meanwhile. If its dispatcher already took the flag, it released the semaphore: consume it.
                if (Interlocked.Exchange(ref _sleeping[index], 0) == 0)
                {
                    _wake[index].Wait();
                }
                continue;
            }
            _wake[index].Wait();
            start = Stopwatch.GetTimestamp();
        }
    }
}
