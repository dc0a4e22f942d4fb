using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>Runs `train` on one sample and prints the article's program's report: the stopping epoch and loss, then every W and b.</summary>
internal static class SampleTraining
{
    public static int Run(SampleSettings settings, CliIO io)
    {
        SampleSetup setup = SampleSetup.Create(settings);
        var trainer = new Trainer<double>(setup.Network, new Sgd<double>(settings.LearningRate), new TrainingOptions
        {
            MaxEpochs = settings.MaxEpochs,
            LossThreshold = settings.Threshold > 0 ? settings.Threshold : null,
            BatchSize = 0,
            Shuffle = false,
        });

        TrainingResult result = trainer.Fit(setup.Data, report =>
        {
            bool last = report.Loss < settings.Threshold || report.Epoch == settings.MaxEpochs;
            if (last || report.Epoch % settings.ReportEvery == 0)
            {
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch={report.Epoch}, Loss={report.Loss:F6}"));
            }
        });

        int updates = result.Reason == StopReason.LossBelowThreshold ? result.Epochs - 1 : result.Epochs;
        string why = result.Reason == StopReason.LossBelowThreshold
            ? string.Create(CultureInfo.InvariantCulture, $"the loss fell below {settings.Threshold}")
            : $"the epoch limit ({settings.MaxEpochs}) was reached";
        io.Out.WriteLine($"Training finished after {updates} updates: {why}.");
        io.Out.WriteLine("Final parameters:");
        PrintParameters(setup.Network, settings.Digits, io.Out);
        return Cli.Ok;
    }

    public static void PrintParameters(Network<double> network, int digits, TextWriter output)
    {
        for (int l = 0; l < network.DenseLayers.Count; l++)
        {
            Dense<double> layer = network.DenseLayers[l];
            output.WriteLine($"W{l + 1} =");
            output.WriteLine(MatrixText.Format(layer.Weights, layer.Outputs, layer.Inputs, digits));
            output.WriteLine($"b{l + 1} =");
            output.WriteLine(MatrixText.Format(layer.Bias, layer.Outputs, 1, digits));
        }
    }
}
