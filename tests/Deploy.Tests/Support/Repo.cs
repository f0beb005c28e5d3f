using System.Diagnostics;

namespace Deploy.Tests.Support;

/// <summary>The repository these tests run in, and its files.</summary>
public static class Repo
{
    private static readonly string[] Skipped = ["bin", "obj", "node_modules", ".git", ".data", "TestResults", "__pycache__", ".dapr"];

    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Files git tracks (with those not yet committed but not ignored), as paths relative to the root with
    /// '/'; without git, every file outside build output and dependencies.</summary>
    public static IReadOnlyList<string> Files { get; } = ListFiles();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !(File.Exists(Path.Combine(dir.FullName, "dapr.yaml")) && File.Exists(Path.Combine(dir.FullName, "Dapr.sln"))))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("no dapr.yaml and Dapr.sln above " + AppContext.BaseDirectory);
    }

    private static List<string> ListFiles()
    {
        if (Directory.Exists(Path.Combine(Root, ".git")) || File.Exists(Path.Combine(Root, ".git")))
        {
            try
            {
                var start = new ProcessStartInfo("git", "ls-files -z --cached --others --exclude-standard")
                {
                    WorkingDirectory = Root,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                using var git = Process.Start(start)!;
                var output = git.StandardOutput.ReadToEnd();
                git.WaitForExit();
                if (git.ExitCode == 0)
                {
                    return output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(f => File.Exists(PathOf(f))).Order(StringComparer.Ordinal).ToList();
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // no git on PATH: walk the tree instead
            }
        }

        return Walk(Root).Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> Walk(string dir)
    {
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            yield return file;
        }

        foreach (var sub in Directory.EnumerateDirectories(dir).Where(d => !Skipped.Contains(Path.GetFileName(d), StringComparer.Ordinal)))
        {
            foreach (var file in Walk(sub))
            {
                yield return file;
            }
        }
    }
}
