namespace Backprop.Tests.Optimizers;

/// <summary>Any optimizer's exposed state (kind, steps, named buffers) goes through a checkpoint file and back.</summary>
public class OptimizerStateTests
{
    /// <summary>
    /// Trains 6 epochs straight, and 3 epochs, a checkpoint file, a fresh network and optimizer restored from it, then
    /// the rest: the parameters must be the same bits. Returns the checkpoint's optimizer kind.
    /// </summary>
    public static string AssertResumesBitIdentically(Func<IOptimizer<float>> create)
    {
        Dataset<float> data = TestData.Blobs(40);
        var options = new TrainingOptions { MaxEpochs = 6, BatchSize = 16, Seed = 3 };
        Network<float> Make()
        {
            var network = new Network<float>([2, 9, 3], [Activation.Tanh, Activation.Softmax], Loss.CrossEntropy);
            Initializer.Randomize(network, 4);
            return network;
        }
        Network<float> full = Make();
        new Trainer<float>(full, create(), options).Fit(data);

        string dir = TestData.TempDirectory();
        string path = Path.Combine(dir, "ck.json");
        Network<float> first = Make();
        var firstTrainer = new Trainer<float>(first, create(), options);
        firstTrainer.Fit(data, report =>
        {
            if (report.Epoch == 3)
            {
                firstTrainer.CreateCheckpoint().Save(path);
            }
        });
        TrainingCheckpoint checkpoint = TrainingCheckpoint.Load(path);
        Network<float> resumed = Make();
        var resumedTrainer = new Trainer<float>(resumed, create(), options);
        resumedTrainer.Restore(checkpoint);
        resumedTrainer.Fit(data);
        Directory.Delete(dir, true);

        Assert.Equal(full.Parameters.ToArray(), resumed.Parameters.ToArray());
        return checkpoint.OptimizerKind;
    }

    [Fact]
    public void An_optimizer_written_outside_the_library_is_checkpointed_and_resumed_bit_identically()
    {
        Assert.Equal("heavy-ball", AssertResumesBitIdentically(() => new HeavyBall(0.05)));
    }

    [Fact]
    public void Built_in_optimizers_name_their_state_buffers()
    {
        Assert.Equal(["m", "v"], new Adam<float>(0.01).StateBuffers(5).Select(b => b.Key));
        Assert.Equal(["velocity"], new Sgd<float>(0.01, 0.9).StateBuffers(5).Select(b => b.Key));
        Assert.Empty(new Sgd<float>(0.01).StateBuffers(5));
    }

    [Fact]
    public void A_checkpoint_whose_state_names_differ_is_refused()
    {
        var network = new Network<float>([2, 3], [Activation.Softmax], Loss.CrossEntropy);
        var trainer = new Trainer<float>(network, new HeavyBall(0.1), new TrainingOptions { MaxEpochs = 2 });
        trainer.Fit(TestData.Blobs(5));
        TrainingCheckpoint checkpoint = trainer.CreateCheckpoint();
        var renamed = new TrainingCheckpoint
        {
            Epoch = 1, Sizes = checkpoint.Sizes, Activations = checkpoint.Activations, Parameters = checkpoint.Parameters,
            OptimizerKind = checkpoint.OptimizerKind, LearningRate = 0.1, BaseLearningRate = 0.1, OptimizerState = checkpoint.OptimizerState,
            OptimizerStateNames = ["momentum"],
        };
        var other = new Trainer<float>(new Network<float>([2, 3], [Activation.Softmax], Loss.CrossEntropy), new HeavyBall(0.1), new TrainingOptions { MaxEpochs = 2 });
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => other.Restore(renamed));
        Assert.Contains("keeps velocity", e.Message, StringComparison.Ordinal);
    }

    // v ← 0.9 v + ∇θ, θ ← θ − η v: its velocity lives only in the state it exposes.
    private sealed class HeavyBall(double learningRate) : IStatefulOptimizer<float>
    {
        private float[] _velocity = [];

        public double LearningRate { get; set; } = learningRate;

        public string Kind => "heavy-ball";

        public long Steps { get; set; }

        public IReadOnlyList<KeyValuePair<string, float[]>> StateBuffers(int parameterCount)
        {
            if (_velocity.Length != parameterCount)
            {
                _velocity = new float[parameterCount];
            }
            return [new("velocity", _velocity)];
        }

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            StateBuffers(parameters.Length);
            Steps++;
            for (int i = 0; i < parameters.Length; i++)
            {
                _velocity[i] = 0.9f * _velocity[i] + gradients[i];
                parameters[i] -= (float)LearningRate * _velocity[i];
            }
        }
    }
}
