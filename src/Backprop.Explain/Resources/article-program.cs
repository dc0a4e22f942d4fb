// The article's worked example as a whole training run, written with the Backprop library (C#).
// Network 3-2-3: a sigmoid hidden layer fed by W1, b1 and a softmax output layer fed by W2, b2; cross-entropy loss;
// plain gradient descent with η = 0.1 on one sample, repeated until the loss falls below 0.01 (at most 10000 epochs).
// Run it as a file-based app: `dotnet run article.cs`, with the line below pointing at the library's project.
#:project ../src/Backprop/Backprop.csproj
using Backprop.Activations;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Optimizers;
using Backprop.Serialization;

// program:begin
double[] a1 = [1.0, 1.0, 1.0];  // the sample
double[] t = [1.0, 0.0, 0.0];   // its target: class 1, one-hot
var network = new Network<double>([3, 2, 3], [Activation.Sigmoid, Activation.Softmax], Loss.CrossEntropy);
WeightsFile.Parse("""
    {
      "W1": [[0.10, 0.20, 0.30], [0.40, 0.50, 0.60]], "b1": [0.10, 0.10],
      "W2": [[0.70, 0.80], [0.90, 1.00], [1.10, 1.20]], "b2": [0.20, 0.20, 0.20]
    }
    """, network);
var gradientDescent = new Sgd<double>(learningRate: 0.1);
const double threshold = 0.01;
const int maxEpochs = 10000;

int epoch;
double loss = double.NaN;
for (epoch = 1; epoch <= maxEpochs; epoch++)
{
    // Forward pass: z2, a2, z3, a3 and the cross-entropy loss, kept in the network's buffers.
    loss = network.Forward(a1, t, batch: 1);
    if (loss < threshold)
    {
        break;
    }
    // Backward pass: delta3 = a3 − t, ∇W2, ∇b2, delta2 = (W2ᵀ delta3) ⊙ σ′(z2), ∇W1, ∇b1 into network.Gradients.
    network.Backward();
    // Update: θ ← θ − η ∇θ for every weight and bias at once (the parameters are one flat block).
    gradientDescent.Step(network.Parameters, network.Gradients);
}
// program:end

Console.WriteLine($"epoch {epoch}: loss {loss:F6}");
for (int l = 0; l < network.DenseLayers.Count; l++)
{
    Console.WriteLine($"W{l + 1} = [{string.Join(", ", network.DenseLayers[l].Weights.ToArray().Select(w => w.ToString("F8")))}]");
    Console.WriteLine($"b{l + 1} = [{string.Join(", ", network.DenseLayers[l].Bias.ToArray().Select(b => b.ToString("F8")))}]");
}
