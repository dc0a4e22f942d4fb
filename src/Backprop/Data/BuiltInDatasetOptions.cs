namespace Backprop.Data;

/// <summary>Settings for <see cref="BuiltInDatasets.LoadSplits{T}"/>; each applies only to the sets it names.</summary>
public sealed record BuiltInDatasetOptions
{
    /// <summary>Rows of a synthetic set (moons, circles, spirals); null: <see cref="BuiltInDatasets.DefaultSyntheticRows"/>.</summary>
    public int? Rows { get; init; }

    /// <summary>Standard deviation of the Gaussian noise of a synthetic set; null: that set's default.</summary>
    public double? Noise { get; init; }

    /// <summary>Seed of a synthetic set's points. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Folder of the Fashion-MNIST IDX files; null: <see cref="FashionMnist.DefaultDirectory"/>.</summary>
    public string? DataDirectory { get; init; }
}
