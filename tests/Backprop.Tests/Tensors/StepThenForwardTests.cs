namespace Backprop.Tests.Tensors;

/// <summary>
/// The paired job of one layer's fused step and the next batch's forward pass through it
/// (<see cref="PackedGemm.RunStepThenForward"/>) against the two products it replaces, bit for bit: split by W's rows,
/// and split by the forward product's terms, its chains of FMAs shared between threads and added up in chain order.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class StepThenForwardTests
{
    [PackedKernelTheory]
    [InlineData(128, 784, 256, 256, "Step", "Relu", 2)]          // the first layer of 784-128-10 at batch 256: four chains, two a thread
    [InlineData(128, 784, 256, 176, "DecayedStep", "Tanh", 2)]   // the epoch's last, shorter batch; tanh as z' is added up
    [InlineData(100, 784, 128, 97, "Step", "Relu", 2)]           // a partly empty last panel of W, odd rows of x'
    [InlineData(100, 784, 64, 97, "Step", "Sigmoid", 2)]         // split by W's rows, σ in the job over 64 and 36 columns
    [InlineData(64, 300, 200, 64, "DecayedStep", "Sigmoid", 2)]  // two chains of 150, one a thread
    [InlineData(128, 784, 256, 256, "Step", "Relu", 4)]          // one chain a thread
    [InlineData(128, 784, 256, 33, "DecayedStep", "Relu", 3)]    // three threads: two of them take two chains each
    [InlineData(40, 784, 130, 1, "Step", "Identity", 2)]         // one row of x'; W's rows fit one panel
    [InlineData(128, 520, 256, 256, "Step", "Relu", 2)]          // three chains: split by W's rows instead
    [InlineData(128, 784, 64, 64, "Step", "LeakyRelu", 2)]       // batch 64: split by W's rows
    [InlineData(256, 784, 256, 256, "Step", "Tanh", 2)]          // m > n / 4: split by W's rows
    public void The_paired_job_gives_the_bits_of_the_two_products(int m, int n, int k, int nextRows, string stepName, string activationName, int threads)
    {
        GemmEpilogue step = Enum.Parse<GemmEpilogue>(stepName);
        Activation activation = Enum.Parse<Activation>(activationName);
        GemmEpilogue forward = activation == Activation.Relu ? GemmEpilogue.BiasRelu : GemmEpilogue.Bias;
        var rng = new Rng(m + n + k + nextRows);
        float[] delta = Random(rng, k * m, 0.1);
        float[] x = Random(rng, k * n, 1.0);
        float[] w = Random(rng, m * n, 0.1);
        float[] b = Random(rng, m, 0.1);
        float[] next = Random(rng, nextRows * n, 1.0);
        const float Scale = -0.05f, Decay = 1e-3f;
        bool expectSplit = threads > 1 && k >= 128 && 4 * m <= n && n != 520;
        int savedThreads = WorkerPool.ThreadCount;
        bool savedWide = PackedGemm.UseVector512;
        bool savedSplit = PackedGemm.SplitForwardByK;
        bool savedChoice = PackedGemm.ChooseSplitByTime;
        PackedGemm.ChooseSplitByTime = false; // split by terms wherever it can, so that the count below is known
        try
        {
            foreach (bool wide in Widths())
            {
                PackedGemm.UseVector512 = wide;

                // The two products on one thread, as the layers run them where the paired job does not apply.
                WorkerPool.ThreadCount = 1;
                float[] gradient = new float[m * n], weights = (float[])w.Clone(), bias = (float[])b.Clone(), sums = new float[m];
                float[] z = new float[nextRows * m], a = new float[nextRows * m];
                PackedGemm.Run(delta, 1, m, x, n, 1, gradient, m, n, k, false, step, aux: weights, scale: Scale, decay: Decay, rowSums: sums, rowAux: bias);
                PackedGemm.Run(next, n, 1, weights, 1, n, z, nextRows, m, n, false, forward, bias, a);
                if (forward == GemmEpilogue.Bias)
                {
                    ActivationFunctions.Forward<float>(activation, z, a, m);
                }

                WorkerPool.ThreadCount = threads;
                foreach (bool split in new[] { true, false })
                {
                    PackedGemm.SplitForwardByK = split;
                    // Several steps from the same start: the split by terms moves its boundaries between steps.
                    for (int repeat = 0; repeat < 4; repeat++)
                    {
                        float[] gradient2 = new float[m * n], weights2 = (float[])w.Clone(), bias2 = (float[])b.Clone(), sums2 = new float[m];
                        float[] z2 = new float[nextRows * m], a2 = new float[nextRows * m];
                        long before = PackedGemm.StepsSplitByTerms;
                        bool ran = PackedGemm.RunStepThenForward(delta, x, gradient2, m, n, k, step, weights2, Scale, Decay, sums2, bias2, next, z2, nextRows, forward, a2, activation: activation);
                        Assert.True(ran);
                        Assert.Equal(split && expectSplit && wide ? 1 : 0, PackedGemm.StepsSplitByTerms - before);
                        AssertSameBits([gradient, weights, sums, bias, z, a], [gradient2, weights2, sums2, bias2, z2, a2]);
                    }
                }
            }
        }
        finally
        {
            WorkerPool.ThreadCount = savedThreads;
            PackedGemm.UseVector512 = savedWide;
            PackedGemm.SplitForwardByK = savedSplit;
            PackedGemm.ChooseSplitByTime = savedChoice;
        }
    }

    // Where both splits apply, the job times them and runs the faster, trying the other a few calls at a time: every
    // call has the bits of the two products, whichever split it took, and the first calls take both.
    [PackedKernelFact]
    public void The_split_chosen_by_time_gives_the_bits_of_the_two_products()
    {
        const int M = 96, N = 784, K = 200, Rows = 256; // a shape no other test times on this thread
        var rng = new Rng(77);
        float[] delta = Random(rng, K * M, 0.1);
        float[] x = Random(rng, K * N, 1.0);
        float[] w = Random(rng, M * N, 0.1);
        float[] b = Random(rng, M, 0.1);
        float[] next = Random(rng, Rows * N, 1.0);
        int savedThreads = WorkerPool.ThreadCount;
        bool savedChoice = PackedGemm.ChooseSplitByTime;
        try
        {
            WorkerPool.ThreadCount = 1;
            float[] gradient = new float[M * N], weights = (float[])w.Clone(), bias = (float[])b.Clone(), sums = new float[M];
            float[] z = new float[Rows * M], a = new float[Rows * M];
            PackedGemm.Run(delta, 1, M, x, N, 1, gradient, M, N, K, false, GemmEpilogue.Step, aux: weights, scale: -0.05f, decay: 0, rowSums: sums, rowAux: bias);
            PackedGemm.Run(next, N, 1, weights, 1, N, z, Rows, M, N, false, GemmEpilogue.BiasRelu, bias, a);

            WorkerPool.ThreadCount = 2;
            PackedGemm.ChooseSplitByTime = true;
            long before = PackedGemm.StepsSplitByTerms;
            const int Calls = 40;
            for (int call = 0; call < Calls; call++)
            {
                float[] gradient2 = new float[M * N], weights2 = (float[])w.Clone(), bias2 = (float[])b.Clone(), sums2 = new float[M];
                float[] z2 = new float[Rows * M], a2 = new float[Rows * M];
                Assert.True(PackedGemm.RunStepThenForward(delta, x, gradient2, M, N, K, GemmEpilogue.Step, weights2, -0.05f, 0, sums2, bias2, next, z2, Rows, GemmEpilogue.BiasRelu, a2, activation: Activation.Relu));
                AssertSameBits([gradient, weights, sums, bias, z, a], [gradient2, weights2, sums2, bias2, z2, a2]);
            }
            long byTerms = PackedGemm.StepsSplitByTerms - before;
            if (PackedGemm.UseVector512)
            {
                // The first 16 calls take the splits in turns of four; of the next 24, four try the slower split.
                Assert.InRange(byTerms, 8 + 4, Calls - 8 - 4);
            }
            else
            {
                Assert.Equal(0, byTerms); // the split by terms runs on Vector512 only
            }
        }
        finally
        {
            WorkerPool.ThreadCount = savedThreads;
            PackedGemm.ChooseSplitByTime = savedChoice;
        }
    }

    // Training with every fused optimizer: the step split by terms (batches of 256 over 784 inputs into 64 hidden units)
    // changes no bit against one thread, and runs on every batch but each epoch's last (on Vector512).
    [PackedKernelTheory]
    [InlineData("sgd", Activation.Relu)]
    [InlineData("momentum", Activation.Tanh)]
    [InlineData("adam", Activation.Relu)]
    [InlineData("adamw", Activation.Sigmoid)]
    public void Training_split_by_terms_matches_one_thread(string optimizer, Activation activation)
    {
        Dataset<float> data = TestData.Blobs(200, classes: 3, features: 784, seed: 8);
        int batches = (data.Count + 255) / 256;
        (float[] Parameters, double[] Losses, long Splits) Train(int threads)
        {
            int saved = WorkerPool.ThreadCount;
            bool savedChoice = PackedGemm.ChooseSplitByTime;
            PackedGemm.ChooseSplitByTime = false;
            try
            {
                WorkerPool.ThreadCount = threads;
                var network = new Network<float>([784, 64, 3], [activation, Activation.Softmax], Loss.CrossEntropy);
                Initializer.Randomize(network, seed: 3);
                IOptimizer<float> chosen = optimizer switch
                {
                    "sgd" => new Sgd<float>(0.05, 0, weightDecay: 1e-4),
                    "momentum" => new Sgd<float>(0.05, 0.9),
                    "adam" => new Adam<float>(1e-3),
                    _ => new Adam<float>(1e-3, weightDecay: 1e-2, decoupledWeightDecay: true),
                };
                var trainer = new Trainer<float>(network, chosen, new TrainingOptions { MaxEpochs = 2, BatchSize = 256, Seed = 5 });
                long before = PackedGemm.StepsSplitByTerms;
                TrainingResult result = trainer.Fit(data);
                return (network.Parameters.ToArray(), [.. result.History.Select(e => e.Loss)], PackedGemm.StepsSplitByTerms - before);
            }
            finally
            {
                WorkerPool.ThreadCount = saved;
                PackedGemm.ChooseSplitByTime = savedChoice;
            }
        }

        var one = Train(1);
        var two = Train(2);
        Assert.Equal(0, one.Splits);
        Assert.True(batches >= 3);
        // Every full batch is stepped beside the next one's forward pass, split by terms where the Vector512 kernels run.
        Assert.Equal(PackedGemm.UseVector512 ? 2 * (batches - 1) : 0, two.Splits);
        Assert.Equal(one.Parameters, two.Parameters);
        Assert.Equal(one.Losses, two.Losses);
    }

    // ∇W, W, the row sums, b, z' and a' of the paired job against those of the two products, in that order.
    private static void AssertSameBits(float[][] expected, float[][] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    private static float[] Random(Rng rng, int count, double scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(rng.NextGaussian() * scale);
        }
        return values;
    }

    private static bool[] Widths() => System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? [true, false] : [false];
}
