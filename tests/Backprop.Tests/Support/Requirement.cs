namespace Backprop.Tests.Support;

/// <summary>
/// Whether a test that needs something outside the repository (a browser, a data set, a CPU feature) is skipped:
/// it runs where the thing is present; where it is missing it is skipped with <c>reason</c>, unless the environment
/// variable <c>variable</c> is 1 (as .ci/run sets it, having installed the thing), which makes the test required there:
/// it runs, and fails with its own message.
/// </summary>
public static class Requirement
{
    /// <summary>The skip reason, or null when the test must run.</summary>
    public static string? SkipReason(bool available, string variable, string reason, Func<string, string?>? environment = null)
    {
        if (available)
        {
            return null;
        }
        string? value = (environment ?? Environment.GetEnvironmentVariable)(variable);
        return value == "1" ? null : $"{reason}; {variable}=1 makes this test required";
    }
}
