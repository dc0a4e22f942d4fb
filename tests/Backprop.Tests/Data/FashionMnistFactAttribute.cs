namespace Backprop.Tests.Data;

/// <summary>
/// A fact that runs only where Fashion-MNIST is installed (/usr/share/datasets/fashion-mnist, Debian package
/// dataset-fashion-mnist); elsewhere the runner reports it as skipped, with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (!FashionMnist.IsAvailable())
        {
            Skip = $"Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist)";
        }
    }
}
