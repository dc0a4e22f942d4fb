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

    [PackedKernelTheory]
    [InlineData("predict")]
    [InlineData("forward")]
    [InlineData("grow")]
    public void Another_pass_in_between_makes_the_next_pass_compute_the_first_layer(string between)
    {
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = 2;
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
            Network<float> Make()
            {
                var network = new Network<float>([30, 96, 4], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
                Initializer.Randomize(network, seed: 6);
                return network;
            }
            var sgd = new Sgd<float>(0.1, 0, weightDecay: 1e-4);

            // The reference: the step, then the next batch's forward pass computed in full.
            Network<float> plain = Make();
            plain.Forward(x, t, 64);
            plain.BackwardAndStep(sgd);
            float plainLoss = plain.Forward(next, nextT, 48);

            // The step with the next batch's first layer, then another pass, then the next batch.
            Network<float> ahead = Make();
            ahead.Forward(x, t, 64);
            ahead.BackwardAndStep(sgd, next, 48);
            float[] output = new float[200 * 4];
            switch (between)
            {
                case "predict":
                    ahead.Predict(other, 48, output);
                    break;
                case "forward":
                    ahead.Forward(other, output, 48);
                    break;
                default:
                    ahead.Predict(other, 200, output); // grows the buffers past the batch
                    break;
            }
            float aheadLoss = ahead.Forward(next, nextT, 48, null, 0, firstLayerDone: true);
            Assert.Equal(0, ahead.FirstLayersComputedAhead);
            Assert.Equal(plainLoss, aheadLoss);
            Assert.Equal(plain.Parameters.ToArray(), ahead.Parameters.ToArray());
            Assert.Equal(plain.DenseLayers[0].WeightGradients.ToArray(), ahead.DenseLayers[0].WeightGradients.ToArray());

            // Without a pass in between the first layer is reused, with the same result.
            Network<float> direct = Make();
            direct.Forward(x, t, 64);
            direct.BackwardAndStep(sgd, next, 48);
            float directLoss = direct.Forward(next, nextT, 48, null, 0, firstLayerDone: true);
            Assert.Equal(1, direct.FirstLayersComputedAhead);
            Assert.Equal(plainLoss, directLoss);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }
}
