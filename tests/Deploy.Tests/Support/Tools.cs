using System.Diagnostics;

namespace Deploy.Tests.Support;

/// <summary>Programs the tests run: kubectl (Debian's package; <c>.ci/run</c> installs it) and node with the validator
/// in tests/k8s-schemas (<c>npm ci</c>, as <c>.ci/run</c> does). Missing, a test fails under <c>CI=true</c> and skips
/// otherwise, saying how to install it.</summary>
public static class Tools
{
    public static string SchemaValidatorFolder => Repo.PathOf("tests/k8s-schemas");

    public static void RequireKubectl() =>
        Require(OnPath("kubectl"), "kubectl is not installed: `apt-get install kubectl` (.ci/run does it on a fresh machine)");

    public static void RequireSchemaValidator()
    {
        Require(OnPath("node"), "node is not installed: `apt-get install nodejs npm` (.ci/run does it)");
        Require(Directory.Exists(Path.Combine(SchemaValidatorFolder, "node_modules", "kubernetes-models")),
            $"the schema validator is not installed: run `npm ci --prefix {SchemaValidatorFolder}` (.ci/run does it)");
    }

    /// <summary><c>kubectl kustomize</c> of a folder of the repository: the rendered YAML stream.</summary>
    public static string Kustomize(string relativeFolder)
    {
        var (exit, stdout, stderr) = Run("kubectl", ["kustomize", Repo.PathOf(relativeFolder)], null);
        return exit == 0 ? stdout : throw new InvalidOperationException($"kubectl kustomize {relativeFolder} failed ({exit}): {stderr}");
    }

    /// <summary>Runs tests/k8s-schemas/validate.mjs on a YAML stream; returns its exit code and its lines (one JSON
    /// object per document).</summary>
    public static (int Exit, IReadOnlyList<string> Lines, string Errors) ValidateSchemas(string yaml)
    {
        var (exit, stdout, stderr) = Run("node", ["validate.mjs"], yaml, SchemaValidatorFolder);
        return (exit, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), stderr);
    }

    private static void Require(bool present, string message)
    {
        if (present)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));

    private static (int Exit, string Stdout, string Stderr) Run(string program, IEnumerable<string> args, string? stdin, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Repo.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not exit within 2 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
