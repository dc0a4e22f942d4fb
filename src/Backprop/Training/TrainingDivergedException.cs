namespace Backprop.Training;

/// <summary>Thrown when the loss becomes NaN or infinite; the parameters are left as they were after the last finite step.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for the given epoch and loss.</summary>
    public TrainingDivergedException(int epoch, double loss)
        : base($"training diverged at epoch {epoch}: the loss became {FormatLoss(loss)}")
    {
        Epoch = epoch;
        Loss = loss;
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrainingDivergedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public TrainingDivergedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>The epoch in which the loss stopped being finite.</summary>
    public int Epoch { get; }

    /// <summary>The offending loss.</summary>
    public double Loss { get; }

    private static string FormatLoss(double loss) => double.IsNaN(loss) ? "NaN" : loss > 0 ? "infinite" : "-infinite";
}
