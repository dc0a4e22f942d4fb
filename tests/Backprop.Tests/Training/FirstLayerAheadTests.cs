using Backprop.Tests.Tensors;

namespace Backprop.Tests.Training;

/// <summary>
/// With plain SGD on the float path and two threads, the trainer computes the next batch's first layer in the same
/// parallel job as the first layer's step. That must change no bit of the training, and any other use of the network
/// in between must make the next forward pass compute the first layer itself.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class FirstLayerAheadTests
{
    [PackedKernelTheory]
    [InlineData(64, 0.0, true, 64, Activation.Relu)]
    [InlineData(64, 1e-4, true, 64, Activation.Relu)]
    [InlineData(100, 1e-4, true, 64, Activation.Relu)]  // 100 rows of W: the last panel is partly empty in both products
    [InlineData(100, 0.0, false, 64, Activation.Relu)]  // Vector256 kernels: 16-row panels
    [InlineData(64, 1e-4, true, 256, Activation.Relu)]  // batches of 256 (and a last of 176): the Vector512 kernel reads x in place, asking ahead
    [InlineData(100, 0.0, false, 256, Activation.Relu)] // the Vector256 kernel reads x in place too
    [InlineData(64, 1e-4, true, 64, Activation.Tanh)]   // other activations: applied over z' after the job
    [InlineData(100, 0.0, true, 256, Activation.Sigmoid)]
    [InlineData(100, 1e-4, false, 64, Activation.LeakyRelu)]
    public void Computing_the_next_first_layer_with_the_step_changes_no_bit(int hidden, double decay, bool wide, int batch, Activation activation)
    {
        Dataset<float> data = TestData.Blobs(400, classes: 3, features: 24, seed: 5);
        int batches = (data.Count + batch - 1) / batch;
        (float[] Parameters, double[] Losses, long Ahead) Train(int threads, string callback)
        {
            int savedThreads = WorkerPool.ThreadCount;
            bool savedWide = PackedGemm.UseVector512;
            try
            {
                WorkerPool.ThreadCount = threads;
                PackedGemm.UseVector512 = wide;
                var network = new Network<float>([24, hidden, 3], [activation, Activation.Softmax], Loss.CrossEntropy);
                Initializer.Randomize(network, seed: 4);
                var trainer = new Trainer<float>(network, new Sgd<float>(0.05, 0, weightDecay: decay), new TrainingOptions { MaxEpochs = 3, BatchSize = batch, Seed = 2 });
                int reports = 0;
                if (callback == "completed")
                {
                    trainer.BatchCompleted = _ => reports++;
                }
                else if (callback == "progress")
                {
                    trainer.BatchCompleted = _ => reports++;
                    trainer.BatchCompletedUsesNetwork = false;
                }
                TrainingResult result = trainer.Fit(data);
                Assert.Equal(callback == "none" ? 0 : 3 * batches, reports);
                return (network.Parameters.ToArray(), [.. result.History.Select(e => e.Loss)], network.FirstLayersComputedAhead);
            }
            finally
            {
                WorkerPool.ThreadCount = savedThreads;
                PackedGemm.UseVector512 = savedWide;
            }
        }

        var oneThread = Train(1, "none");
        var completed = Train(2, "completed");
        var none = Train(2, "none");
        var progress = Train(2, "progress");
        Assert.Equal(0, oneThread.Ahead);
        Assert.Equal(0, completed.Ahead);
        // Every batch after the first of its epoch.
        Assert.Equal(3 * (batches - 1), none.Ahead);
        Assert.Equal(3 * (batches - 1), progress.Ahead);
        foreach (var run in new[] { completed, none, progress })
        {
            Assert.Equal(oneThread.Parameters, run.Parameters);
            Assert.Equal(oneThread.Losses, run.Losses);
        }
    }

    /// <summary>
    /// With two hidden layers or more the second layer's step waits for the first layer's paired job and then runs
    /// paired with the second layer's forward pass for the next batch: every bit as the one-thread training, which
    /// takes neither job, and the next forward passes start at the third layer.
    /// </summary>
    [PackedKernelTheory]
    [InlineData(24, 64, 40, "sgd", 1e-4, true, 64, Activation.Relu)]
    [InlineData(24, 100, 72, "sgd", 0.0, true, 64, Activation.Tanh)]        // rows of W that are not whole panels, in both layers
    [InlineData(24, 64, 96, "adam", 0.0, true, 128, Activation.Sigmoid)]    // the Update epilogue; batches of 128 and a last of 16
    [InlineData(24, 64, 96, "adam", 1e-4, true, 256, Activation.Relu)]      // past 128 rows only the first layer pairs
    [InlineData(24, 96, 64, "momentum", 1e-4, false, 64, Activation.Relu)]  // Vector256 kernels
    [InlineData(24, 64, 48, "sgd", 0.0, false, 16, Activation.LeakyRelu)]
    [InlineData(512, 32, 40, "sgd", 1e-4, true, 128, Activation.Relu)]      // the first layer's job split by terms
    [InlineData(512, 32, 48, "adam", 0.0, true, 128, Activation.Tanh)]
    public void Pairing_the_second_layers_step_with_its_next_forward_pass_changes_no_bit(
        int features, int first, int second, string optimizer, double decay, bool wide, int batch, Activation activation)
    {
        Dataset<float> data = TestData.Blobs(400, classes: 3, features: features, seed: 5);
        int batches = (data.Count + batch - 1) / batch;
        (float[] Parameters, double[] Losses, long First, long Second) Train(int threads, bool thirdHidden)
        {
            int savedThreads = WorkerPool.ThreadCount;
            bool savedWide = PackedGemm.UseVector512;
            bool savedChoice = PackedGemm.ChooseSplitByTime;
            try
            {
                WorkerPool.ThreadCount = threads;
                PackedGemm.UseVector512 = wide;
                PackedGemm.ChooseSplitByTime = false; // split by terms wherever it can
                int[] sizes = thirdHidden ? [features, first, second, 20, 3] : [features, first, second, 3];
                Activation[] activations = thirdHidden ? [activation, activation, Activation.Tanh, Activation.Softmax] : [activation, activation, Activation.Softmax];
                var network = new Network<float>(sizes, activations, Loss.CrossEntropy);
                Initializer.Randomize(network, seed: 4);
                IOptimizer<float> step = optimizer switch
                {
                    "adam" => new Adam<float>(0.01, weightDecay: decay),
                    "momentum" => new Sgd<float>(0.05, 0.9, weightDecay: decay),
                    _ => new Sgd<float>(0.05, 0, weightDecay: decay),
                };
                var trainer = new Trainer<float>(network, step, new TrainingOptions { MaxEpochs = 3, BatchSize = batch, Seed = 2 });
                TrainingResult result = trainer.Fit(data);
                return (network.Parameters.ToArray(), [.. result.History.Select(e => e.Loss)], network.FirstLayersComputedAhead, network.SecondLayersComputedAhead);
            }
            finally
            {
                WorkerPool.ThreadCount = savedThreads;
                PackedGemm.UseVector512 = savedWide;
                PackedGemm.ChooseSplitByTime = savedChoice;
            }
        }

        foreach (bool thirdHidden in new[] { false, true })
        {
            var oneThread = Train(1, thirdHidden);
            long byTerms = PackedGemm.StepsSplitByTerms;
            var twoThreads = Train(2, thirdHidden);
            // 512 inputs (two chains of 256 terms) against 32 units, batches of 128: the first layer's job is split by
            // terms (on Vector512 only).
            Assert.Equal(features == 512 && wide && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, PackedGemm.StepsSplitByTerms > byTerms);
            Assert.Equal(0, oneThread.First);
            Assert.Equal(0, oneThread.Second);
            // Every batch after the first of its epoch, both layers (the second up to batches of 128).
            Assert.Equal(3 * (batches - 1), twoThreads.First);
            Assert.Equal(batch <= 128 ? 3 * (batches - 1) : 0, twoThreads.Second);
            Assert.Equal(oneThread.Parameters, twoThreads.Parameters);
            Assert.Equal(oneThread.Losses, twoThreads.Losses);
        }
    }

    /// <summary>
    /// Any other use of the network between a step that computed the next batch's first layers (the first, and with two
    /// hidden layers the second too) and that batch's forward pass makes the pass compute them itself; with nothing in
    /// between it starts after them. Either way the pass, and the step after it, have the plain passes' bits.
    /// </summary>
    [PackedKernelTheory]
    [InlineData("predict", 1)]
    [InlineData("forward", 1)]
    [InlineData("grow", 1)]
    [InlineData("none", 1)]
    [InlineData("predict", 2)]
    [InlineData("forward", 2)]
    [InlineData("grow", 2)]
    [InlineData("none", 2)]
    public void Another_pass_in_between_makes_the_next_pass_compute_the_layers_computed_ahead(string between, int hiddenLayers)
    {
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = 2;
            (float[] x, float[] t, float[] next, float[] nextT, float[] other) = Batches();
            Network<float> Make()
            {
                Network<float> network = hiddenLayers == 1
                    ? new Network<float>([30, 96, 4], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy)
                    : new Network<float>([30, 96, 64, 4], [Activation.Relu, Activation.Sigmoid, Activation.Softmax], Loss.CrossEntropy);
                Initializer.Randomize(network, seed: 6);
                return network;
            }
            // Plain SGD with weight decay steps from the kernels' registers; Adam through the Update epilogue.
            IFusedUpdate<float> Optimizer() => hiddenLayers == 1 ? new Sgd<float>(0.1, 0, weightDecay: 1e-4) : new Adam<float>(0.01);
            IFusedUpdate<float> plainStep = Optimizer(), aheadStep = Optimizer();

            // The reference: the step, then the next batch's forward pass computed in full.
            Network<float> plain = Make();
            plain.Forward(x, t, 64);
            plain.BackwardAndStep(plainStep);
            float plainLoss = plain.Forward(next, nextT, 48);

            Network<float> ahead = Make();
            ahead.Forward(x, t, 64);
            ahead.BackwardAndStep(aheadStep, next, 48);
            PassInBetween(ahead, between, other);
            float aheadLoss = ahead.Forward(next, nextT, 48, null, 0, firstLayerDone: true);
            Assert.Equal(between == "none" ? 1 : 0, ahead.FirstLayersComputedAhead);
            Assert.Equal(between == "none" && hiddenLayers == 2 ? 1 : 0, ahead.SecondLayersComputedAhead);
            Assert.Equal(plainLoss, aheadLoss);
            Assert.Equal(plain.Parameters.ToArray(), ahead.Parameters.ToArray());
            for (int l = 0; l <= hiddenLayers; l++)
            {
                Assert.Equal(plain.DenseLayers[l].WeightGradients.ToArray(), ahead.DenseLayers[l].WeightGradients.ToArray());
            }
            // The next step reads the layers' outputs for the next batch, whichever pass computed them: it agrees too.
            plain.BackwardAndStep(plainStep);
            ahead.BackwardAndStep(aheadStep);
            Assert.Equal(plain.Parameters.ToArray(), ahead.Parameters.ToArray());
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    // 64 rows of 30 features and 4 classes, the 48 of the next batch, and 200 others for a pass in between.
    private static (float[] X, float[] T, float[] Next, float[] NextT, float[] Other) Batches()
    {
        var rng = new Rng(9);
        float[] Rows(int count) => [.. Enumerable.Range(0, count * 30).Select(_ => (float)rng.NextGaussian())];
        float[] x = Rows(64), next = Rows(48), other = Rows(200);
        float[] t = new float[64 * 4], nextT = new float[48 * 4];
        for (int r = 0; r < 64; r++)
        {
            t[r * 4 + r % 4] = 1;
        }
        for (int r = 0; r < 48; r++)
        {
            nextT[r * 4 + (r + 1) % 4] = 1;
        }
        return (x, t, next, nextT, other);
    }

    // Another use of the network between a step that computed layers ahead and the next batch: a prediction, a forward
    // pass of other rows, a prediction that grows the buffers, or ("none") nothing.
    private static void PassInBetween(Network<float> network, string between, float[] other)
    {
        float[] output = new float[200 * 4];
        switch (between)
        {
            case "predict":
                network.Predict(other, 48, output);
                break;
            case "forward":
                network.Forward(other, output, 48);
                break;
            case "grow":
                network.Predict(other, 200, output); // grows the buffers past the batch
                break;
        }
    }
}
