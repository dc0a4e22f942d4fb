namespace Backprop.Tests.Fuzz;

/// <summary>
/// Runs work on a thread of its own and waits for it with a time limit; measures what the work allocated on that thread.
/// A thread that overruns is abandoned (.NET cannot stop it) and the next call starts a fresh one.
/// </summary>
internal sealed class Watchdog
{
    private Worker? _worker;

    public readonly record struct Outcome(bool TimedOut, object? Result, Exception? Error, long Allocated);

    public Outcome Run(Func<object?> work, TimeSpan limit)
    {
        _worker ??= new Worker();
        Worker worker = _worker;
        worker.Work = work;
        worker.Start.Set();
        if (!worker.Done.Wait(limit))
        {
            _worker = null;
            return new Outcome(true, null, null, 0);
        }
        worker.Done.Reset();
        return new Outcome(false, worker.Result, worker.Error, worker.Allocated);
    }

    private sealed class Worker
    {
        public readonly AutoResetEvent Start = new(false);
        public readonly ManualResetEventSlim Done = new(false);
        public Func<object?>? Work;
        public object? Result;
        public Exception? Error;
        public long Allocated;

        public Worker()
        {
            // The stack of a main thread (8 MB), which is where the CLI runs the readers.
            var thread = new Thread(Loop, 8 << 20) { IsBackground = true, Name = "fuzz reader" };
            thread.Start();
        }

        private void Loop()
        {
            while (true)
            {
                Start.WaitOne();
                Result = null;
                Error = null;
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    Result = Work!();
                }
                catch (Exception e)
                {
                    Error = e;
                }
                Allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Done.Set();
            }
        }
    }
}
