namespace Backprop.Benchmarks;

/// <summary>
/// Times gathering shuffled batches of 64 rows (or another batch size) from the real Fashion-MNIST training set on one thread (thread CPU time): first from
/// the pixel bytes the set keeps, then through the per-column table of a standardised copy (the CLI's default
/// `--scale standard`), then from the set converted to float values. The gather is memory-bound; this is where its
/// prefetch distance and level were chosen (the bytes' batches gathered a second time at once show what the rows cost
/// from the caches). First it times fitting the standard scaler on the bytes, on one thread and on all.
/// </summary>
internal static class GatherProbe
{
    public static void Run(TextWriter output, string directory, int batch = 64)
    {
        Dataset<float> data = FashionMnist.Load<float>(directory).Train;
        var rng = new Rng(1);
        int[] order = [.. Enumerable.Range(0, data.Count)];
        var x = new float[batch * data.FeatureCount];
        var t = new float[batch * data.OutputCount];
        int saved = WorkerPool.ThreadCount;
        // Fitting the standard scaler on the bytes (two passes over the 47 MB), wall time, on one thread and on all.
        foreach (int threads in new[] { 1, saved, 1, saved })
        {
            WorkerPool.ThreadCount = threads;
            var fits = new List<double>();
            for (int run = 0; run < 9; run++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                _ = FeatureScaler.Fit(data, ScalingKind.Standard);
                fits.Add(clock.Elapsed.TotalMilliseconds);
            }
            fits.Sort();
            output.WriteLine($"fit the standard scaler on {threads} thread{(threads == 1 ? "" : "s")}: {fits[0],6:F2} ms (best of 9), {fits[4],6:F2} ms (median)");
        }
        WorkerPool.ThreadCount = 1;
        try
        {
            Dataset<float> bytes = data;
            foreach (string source in new[] { "bytes", "table", "floats" })
            {
                if (source == "table")
                {
                    data = Classifier.Scaled(bytes, FeatureScaler.Fit(bytes, ScalingKind.Standard));
                    output.WriteLine($"table: {data.PixelValues?.ExactColumns} of {data.FeatureCount} columns computed");
                }
                if (source == "floats")
                {
                    data = bytes;
                    _ = data.Features; // converts the bytes once
                }
                var times = new List<double>();
                for (int run = 0; run < 12; run++)
                {
                    rng.Shuffle(order.AsSpan());
                    double start = ThreadTime.Microseconds();
                    int batches = 0;
                    for (int b = 0; b + batch <= data.Count; b += batch, batches++)
                    {
                        data.Gather(order.AsSpan(b, batch), x, t);
                    }
                    times.Add((ThreadTime.Microseconds() - start) / batches);
                }
                times.Sort();
                output.WriteLine($"gather {batch} shuffled rows from {source,-6}: {times[0],6:F2} us (best of 12 epochs), {times[6],6:F2} us (median)");
                if (source == "bytes")
                {
                    // The same batches gathered a second time at once: their rows then come from the caches, not memory.
                    var again = new List<double>();
                    for (int run = 0; run < 12; run++)
                    {
                        rng.Shuffle(order.AsSpan());
                        double total = 0;
                        int batches = 0;
                        for (int b = 0; b + batch <= data.Count; b += batch, batches++)
                        {
                            data.Gather(order.AsSpan(b, batch), x, t);
                            double start = ThreadTime.Microseconds();
                            data.Gather(order.AsSpan(b, batch), x, t);
                            total += ThreadTime.Microseconds() - start;
                        }
                        again.Add(total / batches);
                    }
                    again.Sort();
                    output.WriteLine($"the same rows gathered again (cached) : {again[0],6:F2} us (best of 12 epochs), {again[6],6:F2} us (median)");
                }
            }
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }
}
