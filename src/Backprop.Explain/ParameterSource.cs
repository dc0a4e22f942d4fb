namespace Backprop.Explain;

/// <summary>Where an explanation's initial parameters came from, for the set-up paragraph.</summary>
/// <param name="Kind">The kind of source.</param>
/// <param name="Detail">The file, seed or model path, where the kind has one.</param>
public sealed record ParameterSource(ParameterSourceKind Kind, string? Detail = null);

/// <summary>The kinds of <see cref="ParameterSource"/>.</summary>
public enum ParameterSourceKind
{
    /// <summary>The article's printed parameters.</summary>
    Article,

    /// <summary>A weights file (<see cref="ParameterSource.Detail"/> is its path).</summary>
    File,

    /// <summary>Random initialisation (<see cref="ParameterSource.Detail"/> is the seed).</summary>
    Seed,

    /// <summary>A trained model (<see cref="ParameterSource.Detail"/> is its path).</summary>
    Model,
}
