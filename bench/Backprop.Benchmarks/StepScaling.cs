using System.Diagnostics;
using Backprop.Cli.Commands;

namespace Backprop.Benchmarks;

/// <summary>
/// Where a two-thread training step waits: the trainer's fused step of 784-128-10 (SGD; the next batch gathered in the
/// background while the small second layer runs, then the first layer's step and the next batch's forward pass through
/// it as one parallel job), composed from the layers' own calls so that each phase can be timed, in wall-clock time on
/// the training thread, with one thread and with two in alternating series after a warm-up round; the worker's share of
/// the gather is counted too. The rows are the synthetic float rows of <c>backprop bench --matrix</c>, or with
/// <c>fashion</c> the real Fashion-MNIST images kept as bytes. Medians over the steps.
/// </summary>
internal static class StepScaling
{
    private static readonly string[] s_phases =
    [
        "start the gather (one thread: all of it)",
        "layer 2 forward",
        "loss",
        "delta + layer 2 backward + step",
        "wait for the gather",
        "layer 1 step + next forward",
        "whole step",
    ];

    public static void Run(TextWriter output, int batch = 256, bool fashion = false, bool standard = false, int rounds = 5)
    {
        Dataset<float> data = fashion ? FashionMnist.Load<float>("/usr/share/datasets/fashion-mnist").Train : BenchWorkloads.SyntheticImages(60000, seed: 1);
        if (standard)
        {
            // As the CLI's default --scale standard leaves the images: bytes, gathered through a PixelTable.
            data = Classifier.Scaled(data, FeatureScaler.Fit(data, ScalingKind.Standard));
        }
        Network<float> network = BenchWorkloads.FashionNetwork(seed: 2);
        Dense<float> l1 = network.DenseLayers[0], l2 = network.DenseLayers[1];
        var sgd = new Sgd<float>(0.01);
        int[] order = [.. Enumerable.Range(0, data.Count)];
        new Rng(3).Shuffle(order.AsSpan());
        AlignedBuffer<float>[] xs = [new(batch * 784), new(batch * 784)];
        AlignedBuffer<float>[] ts = [new(batch * 10), new(batch * 10)];
        float[] z1 = new float[batch * 128], a1 = new float[batch * 128], z2 = new float[batch * 10], a2 = new float[batch * 10];
        float[] d2 = new float[batch * 10], d1 = new float[batch * 128], logSumExp = new float[batch];
        var prefetcher = new BatchPrefetcher<float>();
        var gather = new TimedJob(prefetcher);
        var times = new List<double>[2][];
        var workerGather = new List<double>[2];
        for (int c = 0; c < 2; c++)
        {
            times[c] = [.. s_phases.Select(_ => new List<double>())];
            workerGather[c] = [];
        }
        double tick = 1e6 / Stopwatch.Frequency;
        int steps = data.Count / batch - 1;
        // Round −1 warms up (tiered compilation replaces the first code within the first hundreds of steps); not counted.
        for (int round = -1; round < rounds; round++)
        {
            for (int c = 0; c < 2; c++)
            {
                WorkerPool.ThreadCount = c + 1;
                data.Gather(order.AsSpan(0, batch), xs[0], ts[0]);
                l1.Forward(xs[0], z1, a1, batch);
                for (int s = 0; s < steps; s++)
                {
                    AlignedBuffer<float> x = xs[s & 1], t = ts[s & 1], nextX = xs[(s + 1) & 1], nextT = ts[(s + 1) & 1];
                    int blocks = prefetcher.Prepare(data, order, (s + 1) * batch, batch, nextX, nextT);
                    gather.Reset();
                    long t0 = Stopwatch.GetTimestamp();
                    WorkerPool.RunInBackground(gather, blocks);
                    long t01 = Stopwatch.GetTimestamp();
                    l2.Forward(a1, z2, a2, batch, logSumExp);
                    long t05 = Stopwatch.GetTimestamp();
                    var outputs = new OutputBatch<float>(z2, a2, t, batch, 10, Activation.Softmax, logSumExp);
                    Loss.CrossEntropy.BatchValue(outputs);
                    long t1 = Stopwatch.GetTimestamp();
                    ElementwiseUpdate<float> update = sgd.BeginFusedStep(network.Parameters.Length)!;
                    Loss.CrossEntropy.BatchDelta(outputs, d2);
                    l2.Backward(a1, d2, d1, batch, Activation.Relu, a1, update);
                    long t2 = Stopwatch.GetTimestamp();
                    WorkerPool.WaitForBackground();
                    long t3 = Stopwatch.GetTimestamp();
                    if (!l1.StepThenForward(x, d1, batch, update, nextX, z1, a1, batch))
                    {
                        l1.Backward(x, d1, [], batch, update);
                        l1.Forward(nextX, z1, a1, batch);
                    }
                    sgd.CompleteFusedStep();
                    long t4 = Stopwatch.GetTimestamp();
                    if (round >= 0)
                    {
                        times[c][0].Add((t01 - t0) * tick);
                        times[c][1].Add((t05 - t01) * tick);
                        times[c][2].Add((t1 - t05) * tick);
                        times[c][3].Add((t2 - t1) * tick);
                        times[c][4].Add((t3 - t2) * tick);
                        times[c][5].Add((t4 - t3) * tick);
                        times[c][6].Add((t4 - t0) * tick);
                        workerGather[c].Add(gather.WorkerTicks * tick);
                    }
                }
            }
        }
        output.WriteLine($"batch {batch}, wall-clock us on the training thread, medians of {times[0][0].Count} steps");
        output.WriteLine($"{"phase",-42} {"1 thread",10} {"2 threads",10} {"ratio",7}");
        for (int p = 0; p < s_phases.Length; p++)
        {
            double one = Median(times[0][p]), two = Median(times[1][p]);
            output.WriteLine($"{s_phases[p],-42} {one,10:F1} {two,10:F1} {one / two,7:F2}");
        }
        output.WriteLine($"{"gather blocks run by the worker",-42} {Median(workerGather[0]),10:F1} {Median(workerGather[1]),10:F1}");
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        values.Sort();
        return values[values.Count / 2];
    }

    // Counts the wall-clock time the worker threads spend in a job's blocks.
    private sealed class TimedJob(IBlockJob inner) : IBlockJob
    {
        private readonly int _caller = Environment.CurrentManagedThreadId;
        private long _workerTicks;

        public long WorkerTicks => Volatile.Read(ref _workerTicks);

        public void Reset() => _workerTicks = 0;

        public void Execute(int block)
        {
            long start = Stopwatch.GetTimestamp();
            inner.Execute(block);
            if (Environment.CurrentManagedThreadId != _caller)
            {
                Interlocked.Add(ref _workerTicks, Stopwatch.GetTimestamp() - start);
            }
        }
    }
}
