using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Backprop.Tests.Fuzz;

/// <summary>One input that broke the contract, and where its files were saved.</summary>
internal sealed record FuzzFailure(string Target, long Seed, string Kind, string Message, IReadOnlyList<string> Steps, string? SavedTo)
{
    public override string ToString() => $"{Target} seed {Seed}: {Kind}: {Message} [{string.Join("; ", Steps)}]{(SavedTo is null ? "" : " saved in " + SavedTo)}";
}

/// <summary>What a run of one target did.</summary>
internal sealed record FuzzReport(string Target, long FirstSeed, int Inputs, int Accepted, int Refused, IReadOnlyList<FuzzFailure> Failures, TimeSpan Elapsed)
{
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"{Target}: {Inputs} inputs (seeds {FirstSeed}..{FirstSeed + Inputs - 1}) in {Elapsed.TotalSeconds:F1} s: {Accepted} accepted, {Refused} refused with a message naming the file, {Failures.Count} failures");
}

/// <summary>How long and how hard to fuzz.</summary>
/// <param name="FirstSeed">Input i uses seed FirstSeed + i.</param>
/// <param name="MaxInputs">Inputs per target, unless <paramref name="Budget"/> runs out first.</param>
/// <param name="Budget">Wall-clock time per target.</param>
/// <param name="PerInputLimit">An input that takes longer is a hang.</param>
/// <param name="OutputDirectory">Failing inputs are saved under it, one folder per seed.</param>
internal sealed record FuzzSettings(long FirstSeed, int MaxInputs, TimeSpan Budget, TimeSpan PerInputLimit, string OutputDirectory)
{
    /// <summary>Environment variable: seconds per target for a long run (unset: the short deterministic run).</summary>
    public const string SecondsVariable = "BACKPROP_FUZZ_SECONDS";

    /// <summary>Environment variable: the first seed of a long run (default: from the clock, printed in the summary).</summary>
    public const string SeedVariable = "BACKPROP_FUZZ_SEED";

    /// <summary>Environment variable: where failing inputs go (default: fuzz-failures beside the test assembly).</summary>
    public const string OutputVariable = "BACKPROP_FUZZ_OUT";

    /// <summary>The short run in every `dotnet test`: the same inputs each time.</summary>
    public const int ShortRunInputs = 2000;

    public static FuzzSettings FromEnvironment()
    {
        string output = Environment.GetEnvironmentVariable(OutputVariable) is { Length: > 0 } o ? o : Path.Combine(AppContext.BaseDirectory, "fuzz-failures");
        string? seconds = Environment.GetEnvironmentVariable(SecondsVariable);
        if (string.IsNullOrEmpty(seconds))
        {
            return new FuzzSettings(1, ShortRunInputs, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), output);
        }
        long seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } s
            ? long.Parse(s, CultureInfo.InvariantCulture)
            : DateTime.UtcNow.Ticks % 1_000_000_000_000;
        return new FuzzSettings(seed, int.MaxValue, TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)), TimeSpan.FromSeconds(10), output);
    }
}

/// <summary>
/// Feeds mutants of a target's corpus to its reader, one at a time on a watched thread: each must return a result that
/// passes the target's invariants or throw <see cref="InvalidDataException"/> naming one of its files, within the
/// per-input time limit and without allocating far more than its size. Anything else is a failure, saved with its seed.
/// </summary>
internal static class FuzzRunner
{
    private const int SavedFailuresPerTarget = 20;

    public static FuzzReport Run(FuzzTarget target, FuzzSettings settings)
    {
        IReadOnlyList<FuzzSeed> corpus = target.Corpus();
        string work = Path.Combine(Path.GetTempPath(), $"backprop-fuzz-{target.Name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        var failures = new List<FuzzFailure>();
        int inputs = 0, accepted = 0, refused = 0;
        var clock = Stopwatch.StartNew();
        var watchdog = new Watchdog();
        try
        {
            while (inputs < settings.MaxInputs && clock.Elapsed < settings.Budget)
            {
                long seed = settings.FirstSeed + inputs;
                inputs++;
                var steps = new List<string>();
                IReadOnlyList<FuzzFile> files = Mutant(corpus, seed, steps);
                string[] paths = [.. files.Select(f => Path.Combine(work, f.Name))];
                for (int i = 0; i < files.Count; i++)
                {
                    File.WriteAllBytes(paths[i], files[i].Bytes);
                }
                long size = files.Sum(f => (long)f.Bytes.Length);
                Watchdog.Outcome outcome = watchdog.Run(() => target.Read(paths), settings.PerInputLimit);
                (string kind, string message)? failure = Judge(target, outcome, paths, size, settings.PerInputLimit);
                if (failure is null)
                {
                    if (outcome.Error is null)
                    {
                        accepted++;
                    }
                    else
                    {
                        refused++;
                    }
                }
                else
                {
                    string? saved = failures.Count < SavedFailuresPerTarget ? Save(settings.OutputDirectory, target.Name, seed, files, failure.Value, steps) : null;
                    failures.Add(new FuzzFailure(target.Name, seed, failure.Value.kind, failure.Value.message, steps, saved));
                }
                if (outcome.TimedOut)
                {
                    // The reader's thread still runs: stop here rather than pile up more of them.
                    break;
                }
                if (outcome.Allocated > 64 << 20)
                {
                    // Give a large allocation back at once, so the next inputs run in the memory they would normally have.
                    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                }
            }
        }
        finally
        {
            Directory.Delete(work, true);
        }
        return new FuzzReport(target.Name, settings.FirstSeed, inputs, accepted, refused, failures, clock.Elapsed);
    }

    /// <summary>The files of the input for <paramref name="seed"/>: a corpus seed with one of its files mutated.</summary>
    public static IReadOnlyList<FuzzFile> Mutant(IReadOnlyList<FuzzSeed> corpus, long seed, List<string> steps)
    {
        var rng = new Rng(seed);
        FuzzSeed chosen = corpus[rng.Next(corpus.Count)];
        int which = rng.Next(chosen.Files.Count);
        byte[][] others = [.. corpus.SelectMany(s => s.Files).Select(f => f.Bytes)];
        steps.Add($"{chosen.Name}: {chosen.Files[which].Name}");
        byte[] mutated = Mutator.Mutate(chosen.Files[which].Bytes, others, unchecked(seed * 6364136223846793005L + 1442695040888963407L), steps);
        return [.. chosen.Files.Select((f, i) => i == which ? f with { Bytes = mutated } : f)];
    }

    /// <summary>Null when the outcome keeps the contract, else the failure's kind and message.</summary>
    private static (string, string)? Judge(FuzzTarget target, Watchdog.Outcome outcome, string[] paths, long size, TimeSpan limit)
    {
        if (outcome.TimedOut)
        {
            return ("hang", $"no result after {limit.TotalSeconds} s");
        }
        long allowed = (64L << 20) + 256 * size;
        if (outcome.Allocated > allowed)
        {
            return ("memory", $"allocated {outcome.Allocated >> 20} MB for {size} bytes of input ({(outcome.Error is null ? "accepted" : outcome.Error.GetType().Name + ": " + outcome.Error.Message)})");
        }
        switch (outcome.Error)
        {
            case null:
                string? garbage;
                try
                {
                    garbage = target.Garbage(outcome.Result);
                }
                catch (Exception e)
                {
                    garbage = $"checking the result threw {e.GetType().Name}: {e.Message}";
                }
                return garbage is null ? null : ("garbage", garbage);
            case InvalidDataException e when paths.Any(p => e.Message.Contains(p, StringComparison.Ordinal)):
                return null;
            case InvalidDataException e:
                return ("unnamed", $"the message names none of the files: {e.Message}");
            default:
                return (outcome.Error.GetType().Name, $"{outcome.Error.Message} at {outcome.Error.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
        }
    }

    private static string Save(string root, string target, long seed, IReadOnlyList<FuzzFile> files, (string Kind, string Message) failure, List<string> steps)
    {
        string dir = Path.Combine(root, target, $"seed-{seed.ToString(CultureInfo.InvariantCulture)}");
        Directory.CreateDirectory(dir);
        foreach (FuzzFile f in files)
        {
            File.WriteAllBytes(Path.Combine(dir, f.Name), f.Bytes);
        }
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"target: {target}")
            .AppendLine(CultureInfo.InvariantCulture, $"seed: {seed} (replay: {FuzzSettings.SeedVariable}={seed} {FuzzSettings.SecondsVariable}=1 dotnet test --filter Fuzz, whose first input is this one)")
            .AppendLine(CultureInfo.InvariantCulture, $"failure: {failure.Kind}: {failure.Message}")
            .AppendLine("mutations:");
        foreach (string step in steps)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {step}");
        }
        File.WriteAllText(Path.Combine(dir, "failure.txt"), text.ToString());
        return dir;
    }
}
