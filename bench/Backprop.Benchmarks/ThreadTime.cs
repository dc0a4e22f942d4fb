using System.Runtime.InteropServices;

namespace Backprop.Benchmarks;

/// <summary>
/// The calling thread's CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID)): unlike the wall clock, it does not count
/// the time other processes hold the core, so it measures on a shared machine. Linux only.
/// </summary>
internal static partial class ThreadTime
{
    private const int ClockThreadCpuTime = 3;

    /// <summary>This thread's CPU time in microseconds.</summary>
    public static double Microseconds()
    {
        _ = ClockGetTime(ClockThreadCpuTime, out TimeSpec now);
        return now.Seconds * 1e6 + now.Nanoseconds * 1e-3;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
