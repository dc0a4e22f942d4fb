using Backprop.Cli.Commands;

namespace Backprop.Benchmarks;

/// <summary>
/// Times the phases of one 784-128-10 training step (batch 64 unless given) separately, medians over many steps, in
/// thread CPU time (<see cref="ThreadTime"/>). The data are synthetic float rows, or with <c>fashion</c> the real
/// Fashion-MNIST images, kept as bytes as the CLI keeps them.
/// </summary>
internal static class StepBreakdown
{
    public static void Run(TextWriter output, int batch = 64, bool fashion = false)
    {
        Dataset<float> data = fashion ? FashionMnist.Load<float>("/usr/share/datasets/fashion-mnist").Train : BenchWorkloads.SyntheticImages(60000, seed: 1);
        Network<float> network = BenchWorkloads.FashionNetwork(seed: 2);
        var sgd = new Sgd<float>(0.1);
        var x = new float[batch * BenchWorkloads.Inputs];
        var t = new float[batch * BenchWorkloads.Classes];
        int[] order = [.. Enumerable.Range(0, data.Count)];
        new Rng(3).Shuffle(order.AsSpan());
        var phases = new[] { "gather", "forward", "backward", "sgd", "layer1 fwd", "layer2 fwd", "loss", "delta+layer2 bwd", "layer1 bwd", "fused bwd+step" };
        var times = phases.Select(_ => new List<double>()).ToArray();
        float[] z1 = new float[batch * 128], a1 = new float[batch * 128], z2 = new float[batch * 10], a2 = new float[batch * 10];
        float[] d2 = new float[batch * 10], d1 = new float[batch * 128];
        for (int step = 0; step < 2000; step++)
        {
            int start = step * batch % (data.Count - batch);
            double t0 = ThreadTime.Microseconds();
            data.Gather(order.AsSpan(start, batch), x, t);
            double t1 = ThreadTime.Microseconds();
            network.Forward(x, t, batch);
            double t2 = ThreadTime.Microseconds();
            network.Backward();
            double t3 = ThreadTime.Microseconds();
            sgd.Step(network.Parameters, network.Gradients);
            double t4 = ThreadTime.Microseconds();
            if (step >= 200)
            {
                times[0].Add((t1 - t0));
                times[1].Add((t2 - t1));
                times[2].Add((t3 - t2));
                times[3].Add((t4 - t3));
                Dense<float> l1 = network.DenseLayers[0], l2 = network.DenseLayers[1];
                double u0 = ThreadTime.Microseconds();
                l1.Forward(x, z1, a1, batch);
                double u1 = ThreadTime.Microseconds();
                l2.Forward(a1, z2, a2, batch);
                double u2 = ThreadTime.Microseconds();
                SoftmaxCrossEntropy.MeanLoss<float>(z2, t, 10);
                double u3 = ThreadTime.Microseconds();
                SoftmaxCrossEntropy.MeanDelta<float>(a2, t, d2, batch);
                l2.Backward(a1, d2, d1, batch, Activation.Relu, a1);
                double u4 = ThreadTime.Microseconds();
                l1.Backward(x, d1, [], batch);
                double u5 = ThreadTime.Microseconds();
                network.BackwardAndStep(sgd);
                double u6 = ThreadTime.Microseconds();
                times[9].Add((u6 - u5));
                times[4].Add((u1 - u0));
                times[5].Add((u2 - u1));
                times[6].Add((u3 - u2));
                times[7].Add((u4 - u3));
                times[8].Add((u5 - u4));
            }
        }
        // The same step on one fixed batch, phases back to back as the trainer runs them.
        var fixedStep = new List<double>();
        for (int step = 0; step < 2000; step++)
        {
            double t0 = ThreadTime.Microseconds();
            network.Forward(x, t, batch);
            network.Backward();
            sgd.Step(network.Parameters, network.Gradients);
            fixedStep.Add((ThreadTime.Microseconds() - t0));
        }
        // The trainer's step on one thread: gather the next shuffled batch into the network's own input buffers, forward,
        // then backward with the SGD step fused (FusedStep without a worker thread).
        var trainerStep = new List<double>();
        var trainerPhases = new[] { new List<double>(), new List<double>(), new List<double>() };
        for (int step = 0; step < 2000; step++)
        {
            int start = step * batch % (data.Count - batch);
            double t0 = ThreadTime.Microseconds();
            Span<float> input = network.InputBuffer(batch);
            Span<float> target = network.TargetBuffer(batch);
            data.Gather(order.AsSpan(start, batch), input, target);
            double t1 = ThreadTime.Microseconds();
            network.Forward(input, target, batch);
            double t2 = ThreadTime.Microseconds();
            network.BackwardAndStep(sgd);
            double t3 = ThreadTime.Microseconds();
            trainerStep.Add(t3 - t0);
            trainerPhases[0].Add(t1 - t0);
            trainerPhases[1].Add(t2 - t1);
            trainerPhases[2].Add(t3 - t2);
        }
        trainerStep.Sort();
        output.WriteLine($"{"trainer step (gather+forward+fused backward and step)",-10} {trainerStep[1000],8:F1} us CPU (median)");
        string[] names = ["trainer: gather", "trainer: forward", "trainer: fused backward and step"];
        for (int p = 0; p < 3; p++)
        {
            trainerPhases[p].Sort();
            output.WriteLine($"{names[p],-10} {trainerPhases[p][1000],8:F1} us CPU (median)");
        }
        fixedStep.Sort();
        output.WriteLine($"{"fixed-batch step (forward+backward+sgd)",-10} {fixedStep[1000],8:F1} us CPU (median)");
        double total = 0;
        for (int p = 0; p < phases.Length; p++)
        {
            times[p].Sort();
            double median = times[p][times[p].Count / 2];
            total += p < 4 ? median : 0;
            output.WriteLine($"{phases[p],-10} {median,8:F1} us CPU (median)");
        }
        output.WriteLine($"{"step",-10} {total,8:F1} us, threads {WorkerPool.ThreadCount}");
    }
}
