using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// The settings `search` tries: one list per searched option (--lr 0.001,0.01 --hidden 32,64x32 …; an option not
/// given is the one value `train` would use), every combination of them (the grid), or a seeded sample of distinct
/// combinations (--random N). Each value is checked as `train` checks it, with a message naming the option.
/// </summary>
internal sealed class SearchSpace
{
    /// <summary>The largest grid searched whole; a larger one needs --random N.</summary>
    public const int MaxGrid = 10_000;

    private SearchSpace(string[] optimizers, double?[] rates, int[][] hidden, double[] dropouts, double?[] decays, int?[] batches)
    {
        Optimizers = optimizers;
        Rates = rates;
        Hidden = hidden;
        Dropouts = dropouts;
        Decays = decays;
        Batches = batches;
    }

    public string[] Optimizers { get; }

    public double?[] Rates { get; }

    public int[][] Hidden { get; }

    public double[] Dropouts { get; }

    public double?[] Decays { get; }

    public int?[] Batches { get; }

    /// <summary>The number of combinations.</summary>
    public long Size => (long)Optimizers.Length * Rates.Length * Hidden.Length * Dropouts.Length * Decays.Length * Batches.Length;

    /// <summary>Parses the lists (null: the option was not given) and checks every value against the fixed settings.</summary>
    /// <exception cref="UsageException">A list is empty or a value is invalid (one line naming the option and the value).</exception>
    public static SearchSpace Parse(string? optimizers, string? rates, string? hidden, string? dropouts, string? decays, string? batches, DataTrainingSettings fixedSettings)
    {
        var space = new SearchSpace(
            optimizers is null ? [fixedSettings.Optimizer ?? new ClassifierOptions().Optimizer] : [.. Items("--optimizer", optimizers).Select(Optimizer)],
            rates is null ? [null] : [.. Items("--lr", rates).Select(r => (double?)Number("--lr", r))],
            hidden is null ? [[.. new ClassifierOptions().HiddenLayers]] : [.. Items("--hidden", hidden).Select(HiddenSizes)],
            dropouts is null ? [0] : [.. Items("--dropout", dropouts).Select(d => Number("--dropout", d))],
            decays is null ? [null] : [.. Items("--weight-decay", decays).Select(w => (double?)Number("--weight-decay", w))],
            batches is null ? [null] : [.. Items("--batch-size", batches).Select(b => (int?)Whole("--batch-size", b))]);
        // Each value as `train` would check it, so a bad one is named before any training.
        SearchSetting first = space.At(0);
        foreach (string o in space.Optimizers)
        {
            DataTraining.BuildOptions((first with { Optimizer = o }).Apply(fixedSettings));
        }
        foreach (double? r in space.Rates)
        {
            DataTraining.BuildOptions((first with { LearningRate = r }).Apply(fixedSettings));
        }
        foreach (double d in space.Dropouts)
        {
            DataTraining.BuildOptions((first with { Dropout = d }).Apply(fixedSettings));
        }
        foreach (double? w in space.Decays)
        {
            DataTraining.BuildOptions((first with { WeightDecay = w }).Apply(fixedSettings));
        }
        foreach (int? b in space.Batches)
        {
            DataTraining.BuildOptions((first with { BatchSize = b }).Apply(fixedSettings));
        }
        foreach (int[] h in space.Hidden)
        {
            NetworkSize.CheckHidden(h);
            if (fixedSettings.Activation is string activation && OptionValues.Activations("--activation", activation) is { Length: > 1 } perLayer && perLayer.Length != h.Length)
            {
                throw new UsageException($"--activation {activation} gives {perLayer.Length} activations, but --hidden {string.Join("x", h)} has {h.Length} hidden layers; give one activation for all");
            }
        }
        return space;
    }

    /// <summary>The combination numbered <paramref name="index"/> (0 to Size − 1); the last option varies fastest.</summary>
    public SearchSetting At(long index)
    {
        int batch = (int)(index % Batches.Length);
        index /= Batches.Length;
        int decay = (int)(index % Decays.Length);
        index /= Decays.Length;
        int dropout = (int)(index % Dropouts.Length);
        index /= Dropouts.Length;
        int hidden = (int)(index % Hidden.Length);
        index /= Hidden.Length;
        int rate = (int)(index % Rates.Length);
        index /= Rates.Length;
        int optimizer = (int)index;
        return new SearchSetting(Optimizers[optimizer], Rates[rate], Hidden[hidden], Dropouts[dropout], Decays[decay], Batches[batch]);
    }

    /// <summary>
    /// The settings to try: the whole grid in order, or with <paramref name="random"/> that many distinct combinations
    /// drawn with <paramref name="seed"/> (the whole grid when it has no more).
    /// </summary>
    /// <exception cref="UsageException">The grid is larger than <see cref="MaxGrid"/> and no --random was given.</exception>
    public IReadOnlyList<SearchSetting> Settings(int? random, long seed)
    {
        if (random is not int count || count >= Size)
        {
            if (Size > MaxGrid)
            {
                throw new UsageException($"the grid has {Size} settings (more than {MaxGrid}); give fewer values or sample some with --random N");
            }
            return [.. Enumerable.Range(0, (int)Size).Select(i => At(i))];
        }
        // Distinct combinations by rejection: count is below Size, and usually far below.
        var rng = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var chosen = new List<long>(count);
        var seen = new HashSet<long>();
        while (chosen.Count < count)
        {
            long index = rng.NextInt64(Size);
            if (seen.Add(index))
            {
                chosen.Add(index);
            }
        }
        return [.. chosen.Select(At)];
    }

    private static string[] Items(string option, string text)
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.All(i => i.Length == 0))
        {
            throw new UsageException($"{option}: no values to search; give one or more, separated by commas");
        }
        if (Array.FindIndex(items, i => i.Length == 0) is int empty and >= 0)
        {
            throw new UsageException($"{option}: item {empty + 1} of '{text}' is empty");
        }
        return [.. items.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private static string Optimizer(string name) => OptimizerNames.IsKnown(name)
        ? name.ToLowerInvariant()
        : throw new UsageException($"--optimizer: unknown optimizer '{name}' (expected {OptimizerNames.Expected()})");

    private static double Number(string option, string text)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"{option}: '{text}' is not a finite number");

    private static int Whole(string option, string text)
        => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new UsageException($"{option}: '{text}' is not a whole number");

    private static int[] HiddenSizes(string text)
    {
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }
        string[] parts = text.Split('x', 'X');
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
            {
                throw new UsageException($"--hidden: '{text}' is not a list of layer sizes; write the sizes of one setting joined by x (64x32), settings separated by commas, none for no hidden layer");
            }
        }
        return sizes;
    }
}
