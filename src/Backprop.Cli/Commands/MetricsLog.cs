using System.Globalization;
using System.Text;

namespace Backprop.Cli.Commands;

/// <summary>The per-epoch metrics log written next to the model, as CSV: epoch, train loss, validation loss and accuracy, learning rate, seconds.</summary>
internal static class MetricsLog
{
    public const string Header = "epoch,train_loss,val_loss,val_accuracy,lr,seconds";

    public static void Write(string path, IReadOnlyList<EpochReport> history)
    {
        var sb = new StringBuilder();
        sb.Append(Header).Append('\n');
        foreach (EpochReport r in history)
        {
            sb.Append(string.Create(CultureInfo.InvariantCulture,
                $"{r.Epoch},{r.Loss:R},{Optional(r.ValidationLoss)},{Optional(r.ValidationAccuracy)},{r.LearningRate:R},{r.Seconds:F4}")).Append('\n');
        }
        byte[] bytes = Encoding.UTF8.GetBytes(sb.ToString());
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The default log path beside a model file: model.json → model.metrics.csv.</summary>
    public static string DefaultPath(string modelPath) => Path.ChangeExtension(modelPath, null) + ".metrics.csv";

    private static string Optional(double? value) => value is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
