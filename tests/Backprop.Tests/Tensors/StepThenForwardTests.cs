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
    // Behind ReLU about half of δ is zero: at batches of up to 64 the step then leaves those terms out of ∇W (both
    // kernel widths), and every value keeps the bits of the one-thread products, which sum every term. Shapes for each
    // run of columns (four vectors, a last run of one to seven), short batches, and blocks of rows that are not whole
    // vectors of δ.
    [InlineData(128, 784, 64, 64, "Step", "Relu", 2, 0.6)]          // 784-128 at batch 64: eleven runs of four vectors, one of five
    [InlineData(128, 784, 16, 256, "DecayedStep", "Relu", 2, 0.6)]  // batch 16
    [InlineData(100, 784, 41, 97, "Step", "Relu", 2, 0.6)]          // 41 rows of x; a block of 36 rows of W
    [InlineData(64, 96, 64, 64, "DecayedStep", "Relu", 2, 0.6)]     // one run of six vectors
    [InlineData(64, 112, 33, 20, "Step", "Relu", 3, 0.6)]           // seven vectors, three threads
    [InlineData(64, 48, 64, 64, "Step", "Relu", 2, 0.6)]            // three vectors, an odd one stepped by the epilogue
    [InlineData(96, 784, 64, 128, "Update", "Relu", 2, 0.6)]        // Adam's step over each run of columns
    public void The_paired_job_gives_the_bits_of_the_two_products(int m, int n, int k, int nextRows, string stepName, string activationName, int threads,
        double zeroShare = 0)
    {
        GemmEpilogue step = Enum.Parse<GemmEpilogue>(stepName);
        Activation activation = Enum.Parse<Activation>(activationName);
        GemmEpilogue forward = activation == Activation.Relu ? GemmEpilogue.BiasRelu : GemmEpilogue.Bias;
        var rng = new Rng(m + n + k + nextRows);
        float[] delta = Random(rng, k * m, 0.1);
        for (int i = 0; i < delta.Length; i++)
        {
            // Some of δ zero, some of that −0 (a negative gradient times ReLU's zero derivative).
            if (rng.NextDouble() < zeroShare)
            {
                delta[i] = rng.NextDouble() < 0.5 ? 0f : -0f;
            }
        }
        float[] x = Random(rng, k * n, 1.0);
        for (int i = 0; zeroShare > 0 && i < x.Length; i += 3)
        {
            x[i] = 0f; // image rows hold zeros too
        }
        float[] w = Random(rng, m * n, 0.1);
        float[] b = Random(rng, m, 0.1);
        float[] next = Random(rng, nextRows * n, 1.0);
        const float Scale = -0.05f, Decay = 1e-3f;
        bool expectSplit = threads > 1 && k >= 128 && 4 * m <= n && n != 520 && zeroShare == 0;
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
                PackedGemm.Run(delta, 1, m, x, n, 1, gradient, m, n, k, false, step, aux: weights, scale: Scale, decay: Decay, rowSums: sums, rowAux: bias,
                    update: Update(step, m * n + m), rowUpdateOffset: m * n);
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
                        long leftOut = PackedGemm.BlocksWithoutZeroTerms;
                        bool ran = PackedGemm.RunStepThenForward(delta, x, gradient2, m, n, k, step, weights2, Scale, Decay, sums2, bias2, next, z2, nextRows, forward, a2,
                            Update(step, m * n + m), 0, m * n, activation);
                        Assert.True(ran);
                        if (zeroShare == 0)
                        {
                            Assert.Equal(split && expectSplit && wide ? 1 : 0, PackedGemm.StepsSplitByTerms - before);
                        }
                        else
                        {
                            Assert.True(PackedGemm.BlocksWithoutZeroTerms > leftOut, "no block left out the zero terms");
                        }
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
                // The first 16 calls take the splits in turns of four (8 by terms). Of the next 24, the first four take
                // the split that was slower then, and the other 20 the one that is faster after those four, which can
                // be either: 8 + {0, 4} + {0, 20}.
                Assert.Contains(byTerms, new long[] { 8, 12, 28, 32 });
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

    // The fused step of one product (where no paired job runs: one thread, other layers) leaves out δ's zero terms
    // too where told δ is a ReLU layer's, with the bits of every term summed: one block, blocks of rows, blocks of
    // columns (m ≤ n), both kernel widths and every fused epilogue.
    [PackedKernelTheory]
    [InlineData(128, 784, 64, "Step", 1)]
    [InlineData(128, 784, 50, "DecayedStep", 1)]
    [InlineData(256, 512, 64, "Update", 2)]       // the second layer of 784-512-256-10: B packed once, split by columns
    [InlineData(200, 608, 64, "DecayedStep", 2)]  // x read in place, split by rows
    public void One_product_without_zero_terms_gives_the_bits_of_every_term(int m, int n, int k, string stepName, int threads)
    {
        GemmEpilogue step = Enum.Parse<GemmEpilogue>(stepName);
        var rng = new Rng(m * 3 + n + k);
        float[] delta = Random(rng, k * m, 0.1);
        for (int i = 0; i < delta.Length; i++)
        {
            if (rng.NextDouble() < 0.6)
            {
                delta[i] = rng.NextDouble() < 0.5 ? 0f : -0f;
            }
        }
        float[] x = Random(rng, k * n, 1.0);
        float[] w = Random(rng, m * n, 0.1);
        float[] b = Random(rng, m, 0.1);
        int savedThreads = WorkerPool.ThreadCount;
        bool savedWide = PackedGemm.UseVector512;
        try
        {
            WorkerPool.ThreadCount = threads;
            foreach (bool wide in Widths())
            {
                PackedGemm.UseVector512 = wide;
                var results = new List<float[][]>();
                foreach (bool relu in new[] { false, true })
                {
                    float[] gradient = new float[m * n], weights = (float[])w.Clone(), bias = (float[])b.Clone(), sums = new float[m];
                    long before = PackedGemm.BlocksWithoutZeroTerms;
                    PackedGemm.Run(delta, 1, m, x, n, 1, gradient, m, n, k, false, step, aux: weights, scale: -0.05f, decay: 1e-3f, rowSums: sums, rowAux: bias,
                        update: Update(step, m * n + m), rowUpdateOffset: m * n, reluDelta: relu);
                    if (relu)
                    {
                        Assert.True(PackedGemm.BlocksWithoutZeroTerms > before, "no block left out the zero terms");
                    }
                    results.Add([gradient, weights, sums, bias]);
                }
                AssertSameBits(results[0], results[1]);
            }
        }
        finally
        {
            WorkerPool.ThreadCount = savedThreads;
            PackedGemm.UseVector512 = savedWide;
        }
    }

    // Training a ReLU network at batch 64 on two threads, whose paired jobs leave δ's zero terms out of ∇W, changes
    // no bit against one thread, which sums every term.
    [PackedKernelTheory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void Training_without_zero_terms_matches_one_thread(string optimizer)
    {
        Dataset<float> data = TestData.Blobs(300, classes: 3, features: 784, seed: 4);
        (float[] Parameters, double[] Losses) Train(int threads)
        {
            int saved = WorkerPool.ThreadCount;
            try
            {
                WorkerPool.ThreadCount = threads;
                var network = new Network<float>([784, 96, 3], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
                Initializer.Randomize(network, seed: 6);
                IOptimizer<float> chosen = optimizer == "sgd" ? new Sgd<float>(0.05, 0, weightDecay: 1e-4) : new Adam<float>(1e-3);
                var trainer = new Trainer<float>(network, chosen, new TrainingOptions { MaxEpochs = 2, BatchSize = 64, Seed = 5 });
                TrainingResult result = trainer.Fit(data);
                return (network.Parameters.ToArray(), [.. result.History.Select(e => e.Loss)]);
            }
            finally
            {
                WorkerPool.ThreadCount = saved;
            }
        }

        var one = Train(1);
        long before = PackedGemm.BlocksWithoutZeroTerms;
        var two = Train(2);
        Assert.True(PackedGemm.BlocksWithoutZeroTerms > before, "no block left out the zero terms");
        Assert.Equal(one.Parameters, two.Parameters);
        Assert.Equal(one.Losses, two.Losses);
    }

    // The masks of δ's nonzero terms (±0 zero, NaN not), their count, and the share from which a block sums every term.
    [PackedKernelFact]
    public unsafe void The_masks_mark_each_nonzero_term()
    {
        const int M = 37, K = 61; // a batch of up to 64: one word a row
        var rng = new Rng(5);
        float[] delta = new float[K * M];
        for (int i = 0; i < delta.Length; i++)
        {
            double u = rng.NextDouble();
            delta[i] = u < 0.3 ? 0f : u < 0.4 ? -0f : u < 0.42 ? float.NaN : (float)(u - 0.5);
        }
        const int I0 = 3, I1 = 36;
        foreach (bool wide in Widths())
        {
            ulong[] masks = new ulong[I1 - I0];
            long set;
            fixed (float* d = delta)
            fixed (ulong* pm = masks)
            {
                set = PackedGemm.ZeroTermMasks(d, M, K, I0, I1, pm, wide);
            }
            long expected = 0;
            for (int i = I0; i < I1; i++)
            {
                for (int p = 0; p < K; p++)
                {
                    bool nonzero = delta[i + p * M] != 0f;
                    expected += nonzero ? 1 : 0;
                    Assert.Equal(nonzero, (masks[i - I0] >> p & 1) == 1);
                }
            }
            Assert.Equal(expected, set);
        }
        Assert.True(PackedGemm.FewEnoughNonzeroTerms(60, 100));
        Assert.False(PackedGemm.FewEnoughNonzeroTerms(61, 100));
    }

    private static ElementwiseUpdate<float>? Update(GemmEpilogue step, int parameters)
        => step == GemmEpilogue.Update ? new Adam<float>(1e-3).BeginFusedStep(parameters) : null;

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
