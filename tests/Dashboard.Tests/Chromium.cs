namespace Dashboard.Tests;

/// <summary>Debian's <c>chromium</c> (<c>apt-get install chromium</c>; <c>.ci/run</c> installs it): Playwright's own
/// browser downloads are not available here, so the tests drive the system's browser.</summary>
public static class Chromium
{
    private static readonly string[] Names = ["chromium", "chromium-browser"];

    public static string? Path =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured
        : Names.Select(FindOnPath).FirstOrDefault(p => p is not null);

    /// <summary>The browser's path; skips the test when there is none, or fails it under <c>CI=true</c>.</summary>
    public static string Require()
    {
        if (Path is { } path)
        {
            return path;
        }

        const string reason = "chromium is not installed: `apt-get install chromium` (.ci/run does it on a fresh machine), or set CHROMIUM_PATH";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(reason);
        }

        Assert.Skip(reason);
        return null!;
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
