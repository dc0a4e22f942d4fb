namespace Backprop.Tests.Fuzz;

/// <summary>One file of a seed: its name (extension included, as readers may look at it) and its bytes.</summary>
internal sealed record FuzzFile(string Name, byte[] Bytes);

/// <summary>A valid input: one file, or several read together (an IDX image file and its label file).</summary>
internal sealed record FuzzSeed(string Name, IReadOnlyList<FuzzFile> Files);

/// <summary>
/// A reader under test: its seed corpus, how to read an input (the paths of the seed's files, one of them mutated),
/// and what must hold of anything it accepts (null when the result is sound, else what is wrong with it).
/// The contract: <see cref="Read"/> returns, or throws <see cref="InvalidDataException"/> naming one of the files.
/// </summary>
internal sealed record FuzzTarget(string Name, Func<IReadOnlyList<FuzzSeed>> Corpus, Func<IReadOnlyList<string>, object?> Read, Func<object?, string?> Garbage);
