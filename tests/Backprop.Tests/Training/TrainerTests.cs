namespace Backprop.Tests.Training;

public class TrainerTests
{
    private static ClassifierOptions SmallOptions => new()
    {
        HiddenLayers = [16, 8],
        Optimizer = "adam",
        LearningRate = 0.01,
        BatchSize = 16,
        Epochs = 12,
        Dropout = 0.2,
        Schedule = LearningRateSchedule.ReduceOnPlateau(0.5, 2),
        Patience = 100,
        ClassWeighting = ClassWeighting.Balanced,
        Seed = 42,
    };

    [Fact]
    public void The_article_run_still_stops_at_epoch_278_with_the_golden_parameters()
    {
        Network<double> network = ArticleExample.CreateNetwork<double>();
        var trainer = new Trainer<double>(network, new Sgd<double>(0.1), new TrainingOptions { MaxEpochs = 10000, LossThreshold = 0.01, Shuffle = false });
        TrainingResult result = trainer.Fit(ArticleExample.CreateDataset<double>());
        Assert.Equal(278, result.Epochs);
        Assert.Equal(StopReason.LossBelowThreshold, result.Reason);
        // The article's program adds 1e-12 inside the log; the engine does not.
        Assert.Equal(0.0099695912419886876, result.FinalLoss, 1e-11);
        Assert.Equal(0.26795053259112828, network.DenseLayers[0].Weights[0], 1e-12);
        Assert.Equal(1.8665409098651078, network.DenseLayers[1].Weights[0], 1e-12);
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_parameters()
    {
        Dataset<float> data = TestData.Blobs(40, counts: [60, 30, 20]);
        Dataset<float> validation = TestData.Blobs(10, seed: 7);
        float[] a = Classifier.Fit(data, SmallOptions, validation).Network.Parameters.ToArray();
        float[] b = Classifier.Fit(data, SmallOptions, validation).Network.Parameters.ToArray();
        Assert.Equal(a, b);
        float[] c = Classifier.Fit(data, SmallOptions with { Seed = 43 }, validation).Network.Parameters.ToArray();
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData("adam", 5)]
    [InlineData("nesterov", 3)]
    [InlineData("adamw", 1)]
    public void A_resumed_run_ends_with_bit_identical_parameters(string optimizer, int stopAfter)
    {
        Dataset<float> train = Classifier.Scaled(TestData.Blobs(30, counts: [50, 30, 20]), new FeatureScaler(ScalingKind.None, [0, 0], [1, 1]));
        Dataset<float> validation = Classifier.Scaled(TestData.Blobs(10, seed: 9), new FeatureScaler(ScalingKind.None, [0, 0], [1, 1]));
        ClassifierOptions options = SmallOptions with { Optimizer = optimizer, Schedule = optimizer == "adamw" ? LearningRateSchedule.Cosine() : SmallOptions.Schedule, Patience = 4 };

        var full = new ClassifierRun(options, train, null);
        TrainingResult fullResult = full.Trainer.Fit(train, validation);

        string dir = TestData.TempDirectory();
        string path = Path.Combine(dir, "ck.json");
        var first = new ClassifierRun(options, train, null);
        using (var cancel = new CancellationTokenSource())
        {
            first.Trainer.Fit(train, validation, report =>
            {
                if (report.Epoch == stopAfter)
                {
                    first.Trainer.CreateCheckpoint().Save(path);
                }
            });
        }
        var resumed = new ClassifierRun(options, train, null);
        resumed.Trainer.Restore(TrainingCheckpoint.Load(path));
        TrainingResult resumedResult = resumed.Trainer.Fit(train, validation);

        Assert.Equal(full.Network.Parameters.ToArray(), resumed.Network.Parameters.ToArray());
        Assert.Equal(fullResult.Epochs, resumedResult.Epochs);
        Assert.Equal(fullResult.Reason, resumedResult.Reason);
        Assert.Equal(fullResult.LossCurve, resumedResult.LossCurve);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Early_stopping_restores_the_parameters_of_the_best_validation_epoch()
    {
        Dataset<float> train = TestData.Blobs(15, spread: 2.5);
        Dataset<float> validation = TestData.Blobs(15, seed: 3, spread: 2.5);
        var network = new Network<float>([2, 64, 3], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
        Initializer.Randomize(network, 1);
        float[]? bestParameters = null;
        double best = double.PositiveInfinity;
        var trainer = new Trainer<float>(network, new Adam<float>(0.05), new TrainingOptions { MaxEpochs = 200, BatchSize = 8, Patience = 5, Seed = 1 });
        TrainingResult result = trainer.Fit(train, validation, report =>
        {
            if (report.ValidationLoss < best)
            {
                best = report.ValidationLoss.Value;
                bestParameters = network.Parameters.ToArray();
            }
        });
        Assert.Equal(StopReason.EarlyStopped, result.Reason);
        Assert.True(result.Epochs < 200);
        Assert.Equal(result.BestEpoch, result.History.MinBy(h => h.ValidationLoss)!.Epoch);
        Assert.Equal(result.Epochs - 5, result.BestEpoch);
        Assert.Equal(bestParameters, network.Parameters.ToArray());
    }

    [Fact]
    public void Restoring_a_checkpoint_of_another_architecture_or_optimizer_is_refused()
    {
        var small = new Network<float>([2, 3, 3], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
        TrainingCheckpoint checkpoint = new Trainer<float>(small, new Adam<float>()).CreateCheckpoint();
        var other = new Network<float>([2, 4, 3], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
        InvalidDataException shape = Assert.Throws<InvalidDataException>(() => new Trainer<float>(other, new Adam<float>()).Restore(checkpoint));
        Assert.Contains("layers 2,3,3", shape.Message, StringComparison.Ordinal);
        InvalidDataException optimizer = Assert.Throws<InvalidDataException>(() => new Trainer<float>(small, new Sgd<float>(0.1)).Restore(checkpoint));
        Assert.Contains("adam", optimizer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Early_stopping_without_validation_data_is_refused()
    {
        var network = new Network<float>([2, 3], [Activation.Softmax], Loss.CrossEntropy);
        var trainer = new Trainer<float>(network, new Sgd<float>(0.1), new TrainingOptions { Patience = 3 });
        Assert.Throws<ArgumentException>(() => trainer.Fit(TestData.Blobs(5), (Dataset<float>?)null));
    }

    [Fact]
    public void Cancellation_stops_after_the_current_batch()
    {
        Dataset<float> data = TestData.Blobs(20);
        var network = new Network<float>([2, 4, 3], [Activation.Tanh, Activation.Softmax], Loss.CrossEntropy);
        var trainer = new Trainer<float>(network, new Sgd<float>(0.1), new TrainingOptions { MaxEpochs = 50, BatchSize = 10 });
        using var cancel = new CancellationTokenSource();
        int batches = 0;
        trainer.BatchCompleted = b =>
        {
            batches++;
            if (b.Epoch == 2 && b.Batch == 3)
            {
                cancel.Cancel();
            }
        };
        TrainingResult result = trainer.Fit(data, (Dataset<float>?)null, null, cancel.Token);
        Assert.Equal(StopReason.Cancelled, result.Reason);
        Assert.Equal(2, result.Epochs);
        Assert.Equal(6 + 3, batches);
    }

    [Fact]
    public void Schedules_set_the_learning_rate_of_each_epoch()
    {
        var network = new Network<float>([2, 3], [Activation.Softmax], Loss.CrossEntropy);
        var trainer = new Trainer<float>(network, new Sgd<float>(0.4), new TrainingOptions { MaxEpochs = 5, BatchSize = 10, Schedule = LearningRateSchedule.Step(2, 0.5) });
        TrainingResult result = trainer.Fit(TestData.Blobs(10));
        Assert.Equal([0.4, 0.4, 0.2, 0.2, 0.1], result.History.Select(h => h.LearningRate));
    }

    [Fact]
    public void Balanced_class_weights_are_n_over_k_times_the_class_count()
    {
        Dataset<float> data = TestData.Blobs(0, counts: [60, 30, 10]);
        Assert.Equal([100.0 / 180, 100.0 / 90, 100.0 / 30], SoftmaxCrossEntropy.Balanced(data).ClassWeights);
    }

    // Sgd's step behind a type the trainer does not recognise, so that it runs Backward and then Step.
    private sealed class UnfusedSgd(double learningRate, double weightDecay) : IOptimizer<float>
    {
        private readonly Sgd<float> _inner = new(learningRate, 0, weightDecay: weightDecay);

        public double LearningRate { get => _inner.LearningRate; set => _inner.LearningRate = value; }

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => _inner.Step(parameters, gradients);
    }

    [Theory]
    [InlineData("relu", 0.0, 0.0)]
    [InlineData("relu", 0.3, 0.0)]
    [InlineData("sigmoid", 0.0, 0.0)]
    [InlineData("tanh", 0.2, 0.0)]
    [InlineData("relu", 0.0, 1e-4)]
    [InlineData("relu", 0.3, 0.01)]
    [InlineData("tanh", 0.0, 0.003)]
    public void Sgd_stepped_inside_the_backward_pass_gives_the_bits_of_backward_then_step(string activation, double dropout, double weightDecay)
    {
        Activation hidden = Enum.Parse<Activation>(activation, ignoreCase: true);
        Dataset<float> data = TestData.Blobs(2100);
        float[] Train(IOptimizer<float> optimizer, int batchSize)
        {
            Network<float> network = dropout > 0
                ? TestData.WithDropout<float>([2, 40, 33, 3], [hidden, hidden, Activation.Softmax], Loss.CrossEntropy, dropout)
                : new Network<float>([2, 40, 33, 3], [hidden, hidden, Activation.Softmax], Loss.CrossEntropy);
            Initializer.Randomize(network, seed: 5);
            var trainer = new Trainer<float>(network, optimizer, new TrainingOptions
            {
                MaxEpochs = 2, BatchSize = batchSize, Seed = 9, Schedule = LearningRateSchedule.Cosine(),
            });
            trainer.Fit(data);
            return network.Parameters.ToArray();
        }
        // Batches of 1000 take the GEMM's general path (k beyond one block), with the rows summed by one thread.
        foreach (int batchSize in new[] { 7, 150, 1000 })
        {
            float[] fused = Train(new Sgd<float>(0.2, 0, weightDecay: weightDecay), batchSize);
            float[] unfused = Train(new UnfusedSgd(0.2, weightDecay), batchSize);
            Assert.True(fused.AsSpan().SequenceEqual(unfused), $"batch {batchSize}: the parameters differ");
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.02)]
    public void The_fused_step_fills_the_gradients_and_counts_the_step(double weightDecay)
    {
        Dataset<float> data = TestData.Blobs(64);
        var x = new float[64 * 2];
        var t = new float[64 * 3];
        data.Gather([.. Enumerable.Range(0, 64)], x, t);
        Network<float> Make()
        {
            var network = new Network<float>([2, 50, 3], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
            Initializer.Randomize(network, seed: 6);
            return network;
        }
        Network<float> a = Make(), b = Make();
        var sgdA = new Sgd<float>(0.5, 0, weightDecay: weightDecay);
        var sgdB = new Sgd<float>(0.5, 0, weightDecay: weightDecay);
        a.Forward(x, t, 64);
        a.BackwardAndStep(sgdA);
        b.Forward(x, t, 64);
        b.Backward();
        float[] gradients = b.Gradients.ToArray();
        sgdB.Step(b.Parameters, b.Gradients);
        Assert.True(a.Gradients.SequenceEqual(gradients));
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.Equal(1, ((IStatefulOptimizer<float>)sgdA).Steps);
    }

    [Theory]
    [InlineData("predict")]
    [InlineData("forward")]
    public void Running_the_network_from_a_batch_callback_does_not_touch_the_batch_gathered_ahead(string call)
    {
        Dataset<float> data = TestData.Blobs(3000);
        float[] Train(bool predictBetweenBatches)
        {
            var network = new Network<float>([2, 64, 3], [Activation.Relu, Activation.Softmax], Loss.CrossEntropy);
            Initializer.Randomize(network, seed: 3);
            var trainer = new Trainer<float>(network, new Sgd<float>(0.1), new TrainingOptions { MaxEpochs = 2, BatchSize = 1000, Seed = 1 });
            float[] rows = [.. Enumerable.Range(0, 2500 * 2).Select(i => (float)Math.Sin(i))];
            var output = new float[2500 * 3];
            int grown = 0;
            if (predictBetweenBatches)
            {
                // Predictions that grow the network's buffers past the batch size, or a forward pass on other rows,
                // between two batches.
                trainer.BatchCompleted = call == "predict"
                    ? _ => network.Predict(rows, Math.Min(1000 + 500 * ++grown, 2500), output)
                    : _ => network.Forward(rows, output, 700);
            }
            trainer.Fit(data);
            return network.Parameters.ToArray();
        }
        Assert.Equal(Train(false), Train(true));
    }
}
