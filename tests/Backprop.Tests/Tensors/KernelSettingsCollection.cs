namespace Backprop.Tests.Tensors;

/// <summary>
/// Tests that change process-wide kernel settings (thread count, vector width) run in this collection, alone,
/// so that no other test sees a setting change halfway through.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelSettingsCollection
{
    public const string Name = "Kernel settings";
}
