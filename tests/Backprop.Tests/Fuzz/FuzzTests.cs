using Xunit.Abstractions;

namespace Backprop.Tests.Fuzz;

/// <summary>
/// Every reader against mutants of its seed corpus: each is refused with an <see cref="InvalidDataException"/> naming the
/// file or accepted with a sound result, in time and memory. `dotnet test` runs 2000 fixed inputs per reader; set
/// BACKPROP_FUZZ_SECONDS for a longer run (see docs/reliability.md).
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    public static TheoryData<string> Targets => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_mutant_is_refused_naming_the_file_or_accepted_soundly(string target)
    {
        FuzzReport report = FuzzRunner.Run(FuzzTargets.Named(target), FuzzSettings.FromEnvironment());
        output.WriteLine(report.Summary);
        Assert.True(report.Failures.Count == 0, $"{report.Summary}\n{string.Join("\n", report.Failures.Take(10))}");
        Assert.True(report.Accepted + report.Refused > report.Inputs / 2, $"most inputs should reach the reader's verdict: {report.Summary}");
    }

    [Fact]
    public void The_mutator_gives_the_same_bytes_for_the_same_seed_and_different_ones_for_others()
    {
        IReadOnlyList<FuzzSeed> corpus = FuzzTargets.Named("model").Corpus();
        byte[] a = FuzzRunner.Mutant(corpus, 42, [])[0].Bytes;
        byte[] b = FuzzRunner.Mutant(corpus, 42, [])[0].Bytes;
        Assert.Equal(a, b);
        int distinct = Enumerable.Range(0, 50).Select(s => Convert.ToHexString(FuzzRunner.Mutant(corpus, s, [])[0].Bytes)).Distinct().Count();
        Assert.True(distinct > 45, $"{distinct} distinct mutants of 50");
    }

    [Fact]
    public void Every_corpus_is_built_the_same_each_time_so_a_seed_names_one_input()
    {
        foreach (FuzzTarget target in FuzzTargets.All)
        {
            byte[][] first = [.. target.Corpus().SelectMany(s => s.Files).Select(f => f.Bytes)];
            Thread.Sleep(20);
            byte[][] second = [.. target.Corpus().SelectMany(s => s.Files).Select(f => f.Bytes)];
            Assert.True(first.Length == second.Length && first.Zip(second).All(p => p.First.AsSpan().SequenceEqual(p.Second)), $"the {target.Name} corpus differs between two builds");
        }
    }

    [Theory]
    [InlineData("throws", "NullReferenceException")]
    [InlineData("unnamed", "unnamed")]
    [InlineData("garbage", "garbage")]
    [InlineData("hang", "hang")]
    [InlineData("memory", "memory")]
    public void The_runner_catches_a_reader_that_breaks_the_contract(string bug, string kind)
    {
        string dir = TestData.TempDirectory();
        try
        {
            FuzzTarget broken = new("broken-" + bug, () => [new FuzzSeed("one", [new FuzzFile("a.txt", "hello"u8.ToArray())])], paths => bug switch
            {
                "throws" => throw new NullReferenceException("planted"),
                "unnamed" => throw new InvalidDataException("something is wrong somewhere"),
                "hang" => Hang(),
                "memory" => new byte[200 << 20],
                _ => (object?)"ok",
            }, result => bug == "garbage" ? "planted garbage" : null);
            var settings = new FuzzSettings(1, 3, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), dir);
            FuzzReport report = FuzzRunner.Run(broken, settings);
            FuzzFailure failure = Assert.IsType<FuzzFailure>(report.Failures.FirstOrDefault());
            Assert.Equal(kind, failure.Kind);
            Assert.True(File.Exists(Path.Combine(failure.SavedTo!, "failure.txt")));
            Assert.True(File.Exists(Path.Combine(failure.SavedTo!, "a.txt")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static object Hang()
    {
        Thread.Sleep(TimeSpan.FromSeconds(5));
        return "late";
    }
}
