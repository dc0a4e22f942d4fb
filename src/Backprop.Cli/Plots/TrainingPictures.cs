using System.Text;

namespace Backprop.Cli.Plots;

/// <summary>
/// The pictures of a training run or an evaluation, and a note for each one that cannot be drawn: loss.svg and
/// accuracy.svg from the per-epoch reports, boundary.svg for a model of two features, confusion.svg from the
/// evaluation. <see cref="Write"/> puts them in a folder, each file complete or absent.
/// </summary>
internal sealed class TrainingPictures
{
    public const string LossFile = "loss.svg";
    public const string AccuracyFile = "accuracy.svg";
    public const string BoundaryFile = "boundary.svg";
    public const string ConfusionFile = "confusion.svg";

    /// <summary>Every file name a picture set may write (checked against the inputs before a run).</summary>
    public static IReadOnlyList<string> FileNames { get; } = [LossFile, AccuracyFile, BoundaryFile, ConfusionFile];

    public List<Picture> Pictures { get; } = [];

    /// <summary>Why a picture is missing, one sentence each.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>
    /// The pictures of a training run: learning curves from <paramref name="history"/>, the decision boundary over the
    /// training rows (filled) and test rows (hollow), and the confusion matrix of the test evaluation. The data sets
    /// hold features scaled by the model's scaler (as the command loads them); the boundary is drawn in raw units.
    /// </summary>
    public static TrainingPictures ForTraining(Model model, IReadOnlyList<EpochReport> history, int? bestEpoch,
        Dataset<float> train, Dataset<float>? test, Evaluation? evaluation)
    {
        var set = new TrainingPictures();
        if (history.Count > 0)
        {
            set.Pictures.Add(new Picture(LossFile, "Training loss per epoch (and validation loss with a validation split).", TrainingCurves.Loss(history, bestEpoch)));
            if (TrainingCurves.Accuracy(history, bestEpoch) is string accuracy)
            {
                set.Pictures.Add(new Picture(AccuracyFile, "Accuracy on the validation split after each epoch.", accuracy));
            }
            else
            {
                set.Notes.Add("No accuracy curve: accuracy per epoch is measured on a validation split, and this run had none (add --validation-fraction 0.1).");
            }
        }
        else
        {
            set.Notes.Add("No learning curves: no epoch finished.");
        }
        if (DecisionBoundary.Applies(model))
        {
            var points = new List<PointSet> { Points(model, train, "training rows", hollow: false) };
            if (test is { Count: > 0 })
            {
                points.Add(Points(model, test, "test rows", hollow: true));
            }
            set.Pictures.Add(new Picture(BoundaryFile, "The class the model predicts over the plane of its two features, with the data points.",
                DecisionBoundary.Render(model, points, "Decision boundary")));
        }
        else
        {
            set.Notes.Add($"No decision boundary: it is drawn for models of two features, and this one reads {model.FeatureNames.Count}.");
        }
        if (evaluation is not null)
        {
            set.Pictures.Add(new Picture(ConfusionFile, "Confusion matrix of the test rows: actual class by row, predicted class by column.",
                ConfusionMatrixChart.Render(evaluation, "Confusion matrix (test rows)")));
        }
        else
        {
            set.Notes.Add("No confusion matrix: the run had no test split.");
        }
        return set;
    }

    /// <summary>The pictures of an evaluation: the decision boundary over the evaluated rows (two features only) and the confusion matrix.</summary>
    public static TrainingPictures ForEvaluation(Model model, Dataset<float> data, Evaluation evaluation)
    {
        var set = new TrainingPictures();
        if (DecisionBoundary.Applies(model))
        {
            set.Pictures.Add(new Picture(BoundaryFile, "The class the model predicts over the plane of its two features, with the evaluated rows.",
                DecisionBoundary.Render(model, [Points(model, data, "evaluated rows", hollow: false)], "Decision boundary")));
        }
        else
        {
            set.Notes.Add($"No decision boundary: it is drawn for models of two features, and this one reads {model.FeatureNames.Count}.");
        }
        set.Pictures.Add(new Picture(ConfusionFile, "Confusion matrix of the evaluated rows: actual class by row, predicted class by column.",
            ConfusionMatrixChart.Render(evaluation, "Confusion matrix")));
        return set;
    }

    /// <summary>Writes every picture into <paramref name="directory"/> (which must exist), each through a temporary file.</summary>
    public void Write(string directory)
    {
        foreach (Picture picture in Pictures)
        {
            byte[] bytes = new UTF8Encoding(false).GetBytes(picture.Svg);
            AtomicFile.Write(Path.Combine(directory, picture.FileName), stream => stream.Write(bytes));
        }
    }

    // The rows' features back in raw units (x = x' · scale + offset), as the model's own inputs are.
    private static PointSet Points(Model model, Dataset<float> scaled, string name, bool hollow)
    {
        ReadOnlySpan<float> features = scaled.Features;
        var xy = new float[scaled.Count * 2];
        for (int i = 0; i < xy.Length; i++)
        {
            int feature = i % 2;
            xy[i] = (float)(features[i] * model.Scaler.Scale[feature] + model.Scaler.Offset[feature]);
        }
        return new PointSet(name, xy, scaled.Labels.ToArray(), hollow);
    }
}
