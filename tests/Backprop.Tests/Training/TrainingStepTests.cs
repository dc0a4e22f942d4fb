using Backprop.Tests.Tensors;

namespace Backprop.Tests.Training;

/// <summary>The contract between the two training steps: the fast step gives the reference step's bits.</summary>
[Collection(KernelSettingsCollection.Name)]
public class TrainingStepTests
{
    [Theory]
    [InlineData("sgd", 1, 0.0)]
    [InlineData("sgd", 2, 0.0)]
    [InlineData("sgd", 2, 0.3)]
    [InlineData("adam", 2, 0.0)]
    [InlineData("momentum", 2, 0.2)]
    [InlineData("nesterov", 2, 0.0)]
    [InlineData("adamw", 2, 0.0)]
    [InlineData("rmsprop", 2, 0.0)]
    [InlineData("adam", 1, 0.0)]
    public void The_fast_step_gives_the_bits_of_the_reference_step(string optimizer, int threads, double dropout)
    {
        Dataset<float> data = TestData.Blobs(300, classes: 3, features: 20, seed: 8);
        float[] Train(bool reference)
        {
            int saved = WorkerPool.ThreadCount;
            try
            {
                WorkerPool.ThreadCount = threads;
                Activation[] activations = [Activation.Relu, Activation.Relu, Activation.Softmax];
                Network<float> network = dropout > 0
                    ? TestData.WithDropout<float>([20, 48, 24, 3], activations, Loss.CrossEntropy, dropout)
                    : new Network<float>([20, 48, 24, 3], activations, Loss.CrossEntropy);
                Initializer.Randomize(network, seed: 6);
                IOptimizer<float> step = OptimizerNames.Create(optimizer, new OptimizerSettings(0.05, 0.9, 1e-4));
                var trainer = new Trainer<float>(network, step, new TrainingOptions { MaxEpochs = 3, BatchSize = 32, Seed = 1 })
                {
                    UseReferenceStep = reference,
                };
                trainer.Fit(data);
                return network.Parameters.ToArray();
            }
            finally
            {
                WorkerPool.ThreadCount = saved;
            }
        }
        Assert.True(Train(reference: true).AsSpan().SequenceEqual(Train(reference: false)), "the parameters differ");
    }
}
