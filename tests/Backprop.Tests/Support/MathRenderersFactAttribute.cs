namespace Backprop.Tests.Support;

/// <summary>
/// A fact that needs Node.js and the KaTeX and MathJax packages of tests/js (installed by <c>npm ci --prefix tests/js</c>):
/// skipped with that hint where they are missing, and required where BACKPROP_REQUIRE_MATH_RENDERERS=1, as in .ci/run,
/// which installs them.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MathRenderersFactAttribute : FactAttribute
{
    public const string Variable = "BACKPROP_REQUIRE_MATH_RENDERERS";

    public MathRenderersFactAttribute()
    {
        Skip = SkipReason(Node is not null && Installed);
    }

    /// <summary>The repository's tests/js folder: package.json, the lock file, the script and (once installed) node_modules.</summary>
    public static string Folder
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Backprop.slnx")))
                {
                    return System.IO.Path.Combine(dir.FullName, "tests", "js");
                }
            }
            throw new InvalidOperationException($"no Backprop.slnx above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The node executable on PATH, or null.</summary>
    public static string? Node => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => System.IO.Path.Combine(d, OperatingSystem.IsWindows() ? "node.exe" : "node"))
        .FirstOrDefault(File.Exists);

    private static bool Installed => new[] { "katex", "mathjax-full" }.All(p => Directory.Exists(System.IO.Path.Combine(Folder, "node_modules", p)));

    public static string? SkipReason(bool installed, Func<string, string?>? environment = null)
        => Requirement.SkipReason(installed, Variable,
            "node or the KaTeX and MathJax packages are missing: this test renders formulas with them; install with `npm ci --prefix tests/js` (and Node.js: apt-get install nodejs npm)", environment);
}
