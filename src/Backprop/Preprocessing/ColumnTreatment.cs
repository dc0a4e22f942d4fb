namespace Backprop.Preprocessing;

/// <summary>What <see cref="Preprocessor"/> does with one column of a table.</summary>
public enum ColumnTreatment
{
    /// <summary>A numeric feature: missing cells filled, then scaled with the model's scaler.</summary>
    Numeric,

    /// <summary>A categorical feature: one 0/1 feature per category (an unseen category gives all zeros).</summary>
    OneHot,

    /// <summary>Dropped: every training value is the same, so the column carries nothing.</summary>
    DroppedConstant,

    /// <summary>Dropped: every training value is distinct text (an id or a name), which does not generalise.</summary>
    DroppedIdentifier,
}
