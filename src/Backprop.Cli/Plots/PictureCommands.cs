namespace Backprop.Cli.Plots;

/// <summary>What `train` and `evaluate` do with --plot and --report once the model is trained or scored: draw, write, and say where.</summary>
internal static class PictureCommands
{
    /// <summary>Writes the run's pictures into <paramref name="plotDirectory"/> and/or the page to <paramref name="reportPath"/> (either may be null).</summary>
    public static void WriteForTraining(CliIO io, bool quiet, string? plotDirectory, string? reportPath, Model model, TrainingResult result,
        string dataDescription, Dataset<float> train, Dataset<float>? test, Evaluation? evaluation)
    {
        if (plotDirectory is null && reportPath is null)
        {
            return;
        }
        TrainingPictures pictures = TrainingPictures.ForTraining(model, result.History, result.BestEpoch, train, test, evaluation);
        Write(io, quiet, plotDirectory, pictures);
        if (reportPath is not null)
        {
            new HtmlReport
            {
                Title = "Training report",
                Model = model,
                DataDescription = dataDescription,
                Pictures = pictures,
                Evaluation = evaluation,
                Training = result,
            }.Write(reportPath);
            if (!quiet)
            {
                io.Out.WriteLine($"Saved the report to {reportPath}");
            }
        }
    }

    /// <summary>Writes the evaluation's page to <paramref name="reportPath"/>.</summary>
    public static void WriteForEvaluation(string reportPath, Model model, string dataDescription, Dataset<float> data, Evaluation evaluation)
    {
        new HtmlReport
        {
            Title = "Evaluation report",
            Model = model,
            DataDescription = dataDescription,
            Pictures = TrainingPictures.ForEvaluation(model, data, evaluation),
            Evaluation = evaluation,
            EvaluatedRows = "evaluated rows",
        }.Write(reportPath);
    }

    private static void Write(CliIO io, bool quiet, string? directory, TrainingPictures pictures)
    {
        if (directory is null)
        {
            return;
        }
        pictures.Write(directory);
        if (!quiet)
        {
            io.Out.WriteLine($"Saved {pictures.Pictures.Count} pictures to {directory}: {string.Join(", ", pictures.Pictures.Select(p => p.FileName))}");
            foreach (string note in pictures.Notes)
            {
                io.Out.WriteLine(note);
            }
        }
    }
}
