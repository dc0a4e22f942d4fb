namespace Backprop.Tests.Support;

/// <summary>
/// A theory that needs Chromium (the Debian package, /usr/bin/chromium): skipped with the install hint where it is
/// missing, and required (it runs and fails) where BACKPROP_REQUIRE_BROWSER=1, as in .ci/run, which installs it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public const string Path = "/usr/bin/chromium";

    public const string Variable = "BACKPROP_REQUIRE_BROWSER";

    public ChromiumTheoryAttribute()
    {
        Skip = SkipReason(File.Exists(Path));
    }

    public static string? SkipReason(bool installed, Func<string, string?>? environment = null)
        => Requirement.SkipReason(installed, Variable, $"{Path} is missing: this test needs Chromium (apt-get install chromium)", environment);
}
