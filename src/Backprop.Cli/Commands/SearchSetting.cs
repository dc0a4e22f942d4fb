using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>One point of a `search` space: the six searched settings of a training run.</summary>
/// <param name="Optimizer">The optimizer's name.</param>
/// <param name="LearningRate">η; null for the optimizer's default.</param>
/// <param name="Hidden">Hidden layer sizes, input side first; empty for none.</param>
/// <param name="Dropout">Dropout rate on the hidden layers.</param>
/// <param name="WeightDecay">λ; null for the default.</param>
/// <param name="BatchSize">Rows per mini-batch; null for the default.</param>
internal sealed record SearchSetting(string Optimizer, double? LearningRate, IReadOnlyList<int> Hidden, double Dropout, double? WeightDecay, int? BatchSize)
{
    /// <summary>--hidden as `train` reads it: 64,32, or none.</summary>
    public string HiddenText => Hidden.Count == 0 ? "none" : string.Join(",", Hidden.Select(h => h.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The hidden sizes as a search table shows them: 64x32, or none.</summary>
    public string HiddenCell => Hidden.Count == 0 ? "none" : string.Join("x", Hidden.Select(h => h.ToString(CultureInfo.InvariantCulture)));

    /// <summary>These settings over the fixed ones of <paramref name="fixedSettings"/>.</summary>
    public DataTrainingSettings Apply(DataTrainingSettings fixedSettings) => fixedSettings with
    {
        Optimizer = Optimizer,
        LearningRate = LearningRate,
        Hidden = HiddenText,
        Dropout = Dropout,
        WeightDecay = WeightDecay,
        BatchSize = BatchSize,
    };

    /// <summary>A number as the command line and the table write it (shortest round-trip form).</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
