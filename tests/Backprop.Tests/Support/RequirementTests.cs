using Backprop.Tests.Data;
using Backprop.Tests.Tensors;

namespace Backprop.Tests.Support;

public class RequirementTests
{
    private static Func<string, string?> Env(string? browser = null, string? fashion = null) => name => name switch
    {
        ChromiumTheoryAttribute.Variable => browser,
        FashionMnistFactAttribute.Variable => fashion,
        _ => null,
    };

    [Fact]
    public void Missing_chromium_skips_the_browser_test_with_its_install_hint()
    {
        string? reason = ChromiumTheoryAttribute.SkipReason(installed: false, Env());
        Assert.NotNull(reason);
        Assert.Contains("/usr/bin/chromium is missing", reason, StringComparison.Ordinal);
        Assert.Contains("apt-get install chromium", reason, StringComparison.Ordinal);
        Assert.Contains("BACKPROP_REQUIRE_BROWSER=1", reason, StringComparison.Ordinal);
        Assert.NotNull(ChromiumTheoryAttribute.SkipReason(installed: false, Env(browser: "0")));
    }

    [Fact]
    public void Missing_chromium_fails_the_browser_test_where_it_is_required()
    {
        Assert.Null(ChromiumTheoryAttribute.SkipReason(installed: false, Env(browser: "1")));
        Assert.NotNull(ChromiumTheoryAttribute.SkipReason(installed: false, Env(fashion: "1")));
    }

    [Fact]
    public void Installed_chromium_runs_the_browser_test()
    {
        Assert.Null(ChromiumTheoryAttribute.SkipReason(installed: true, Env()));
    }

    [Fact]
    public void Missing_fashion_mnist_skips_unless_required()
    {
        string? reason = FashionMnistFactAttribute.SkipReason(installed: false, Env());
        Assert.NotNull(reason);
        Assert.Contains("apt-get install dataset-fashion-mnist", reason, StringComparison.Ordinal);
        Assert.Null(FashionMnistFactAttribute.SkipReason(installed: false, Env(fashion: "1")));
        Assert.Null(FashionMnistFactAttribute.SkipReason(installed: true, Env()));
    }

    [Fact]
    public void Missing_math_renderers_skip_with_the_npm_hint_unless_required()
    {
        Func<string, string?> env = name => name == MathRenderersFactAttribute.Variable ? "1" : null;
        string? reason = MathRenderersFactAttribute.SkipReason(installed: false, Env());
        Assert.NotNull(reason);
        Assert.Contains("npm ci --prefix tests/js", reason, StringComparison.Ordinal);
        Assert.Contains("BACKPROP_REQUIRE_MATH_RENDERERS=1", reason, StringComparison.Ordinal);
        Assert.Null(MathRenderersFactAttribute.SkipReason(installed: false, env));
        Assert.Null(MathRenderersFactAttribute.SkipReason(installed: true, Env()));
    }

    [Fact]
    public void Packed_kernel_tests_skip_exactly_where_the_packed_gemm_is_missing()
    {
        Assert.Equal(!PackedGemm.IsSupported, PackedKernel.SkipReason(vector512: false) is not null);
        Assert.Equal(!PackedGemm.IsSupported || !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, PackedKernel.SkipReason(vector512: true) is not null);
    }
}
