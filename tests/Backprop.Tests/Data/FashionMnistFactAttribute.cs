using Backprop.Tests.Support;

namespace Backprop.Tests.Data;

/// <summary>
/// A fact that runs only where Fashion-MNIST is installed (/usr/share/datasets/fashion-mnist, Debian package
/// dataset-fashion-mnist); elsewhere the runner reports it as skipped, with the reason, unless
/// BACKPROP_REQUIRE_FASHION_MNIST=1 (as in .ci/run, which installs it) makes it required.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public const string Variable = "BACKPROP_REQUIRE_FASHION_MNIST";

    public FashionMnistFactAttribute()
    {
        Skip = SkipReason(FashionMnist.IsAvailable());
    }

    public static string? SkipReason(bool installed, Func<string, string?>? environment = null)
        => Requirement.SkipReason(installed, Variable,
            $"Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist)", environment);
}
