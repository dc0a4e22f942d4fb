namespace Backprop.Explain;

/// <summary>Where an explanation's initial parameters came from, for the set-up paragraph.</summary>
internal sealed record ParameterSource(ParameterSourceKind Kind, string? Detail = null);

/// <summary>The kinds of <see cref="ParameterSource"/>.</summary>
internal enum ParameterSourceKind
{
    Article,
    File,
    Seed,
    Model,
}
