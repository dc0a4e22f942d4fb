using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Benchmarks;

// Gathering 256 shuffled Fashion-MNIST rows into a buffer that another core reads between gathers: cached stores
// against non-temporal ones, with the reader's time.
internal static unsafe class SharedGather
{
    public static void Run(TextWriter output, string directory)
    {
        Dataset<float> data = FashionMnist.Load<float>(directory).Train;
        byte[] pixels = data.PlainPixels!;
        int batch = 256, d = data.FeatureCount;
        var rng = new Rng(1);
        int[] order = [.. Enumerable.Range(0, data.Count)];
        rng.Shuffle(order.AsSpan());
        float[] raw = GC.AllocateUninitializedArray<float>(batch * d + 16, pinned: true);
        float* px = (float*)(((long)System.Runtime.CompilerServices.Unsafe.AsPointer(ref raw[0]) + 63) & ~63L);
        var t = new float[batch * data.OutputCount];
        WorkerPool.ThreadCount = 1;
        int phase = 0;
        bool stop = false;
        double sink = 0, readTicks = 0;
        var reader = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                if (Volatile.Read(ref phase) != 1) { Thread.SpinWait(10); continue; }
                long r0 = Stopwatch.GetTimestamp();
                var s = Vector512<float>.Zero;
                for (int i = 0; i < batch * d; i += 16) { s += Vector512.Load(px + i); }
                readTicks = Stopwatch.GetTimestamp() - r0;
                sink += Vector512.Sum(s);
                Volatile.Write(ref phase, 0);
            }
        });
        reader.Start();
        var times = new[] { new List<double>(), new List<double>() };
        var reads = new[] { new List<double>(), new List<double>() };
        int at = 0;
        fixed (byte* pp = pixels)
        {
            for (int i = 0; i < 4000; i++)
            {
                int mode = i / 50 % 2;
                if (at + batch > data.Count) { at = 0; }
                long t0 = Stopwatch.GetTimestamp();
                if (mode == 0)
                {
                    data.Gather(order.AsSpan(at, batch), new Span<float>(px, batch * d), t);
                }
                else
                {
                    var r = Vector512.Create(1f / 255f);
                    for (int row = 0; row < batch; row++)
                    {
                        byte* src = pp + (long)order[at + row] * d;
                        if (row + 4 < batch)
                        {
                            byte* ahead = pp + (long)order[at + row + 4] * d;
                            for (int o = 0; o < d; o += 64) { Sse.Prefetch0(ahead + o); }
                        }
                        float* dst = px + (long)row * d;
                        for (int j = 0; j < d; j += 16)
                        {
                            Vector512<float> b = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(src + j)));
                            Vector512<float> q = b * r;
                            Avx512F.StoreAlignedNonTemporal(dst + j, Avx512F.FusedMultiplyAdd(Avx512F.FusedMultiplyAdd(q, Vector512.Create(-255f), b), r, q));
                        }
                    }
                    Sse.StoreFence();
                }
                times[mode].Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                at += batch;
                Volatile.Write(ref phase, 1);
                while (Volatile.Read(ref phase) != 0) { Thread.SpinWait(10); }
                reads[mode].Add(readTicks * 1e6 / Stopwatch.Frequency);
            }
        }
        Volatile.Write(ref stop, true);
        reader.Join();
        for (int mode = 0; mode < 2; mode++)
        {
            times[mode].Sort();
            reads[mode].Sort();
            output.WriteLine($"{(mode == 0 ? "cached stores      " : "non-temporal stores")}: gather 256 rows {times[mode][times[mode].Count / 2]:F1} us, the other core reads them in {reads[mode][reads[mode].Count / 2]:F1} us (medians)");
        }
        GC.KeepAlive(sink);
    }
}
