using Deploy.Tests.Support;

namespace Deploy.Tests;

public sealed class SecretValueTests
{
    /// <summary>The local profile's sample secrets: the local-file secret store's file and the stand-in provider's
    /// matching key. Tests are left out (their throwaway tokens are generated or plainly fake).</summary>
    private static readonly string[] Samples = ["config/secrets.json", "apps/payment-provider/appsettings.json"];

    [Fact]
    public void No_tracked_file_but_the_local_samples_holds_a_secret_value()
    {
        var files = Repo.Files.Where(f => !f.StartsWith("tests/", StringComparison.Ordinal) && !Samples.Contains(f, StringComparer.Ordinal)
            && (f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)
                || f.EndsWith("Dockerfile", StringComparison.Ordinal) || f.EndsWith(".md", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)
                || f.EndsWith(".py", StringComparison.Ordinal) || f.EndsWith(".sh", StringComparison.Ordinal) || f == "Makefile" || f.StartsWith(".ci/", StringComparison.Ordinal)))
            .ToList();
        Assert.True(files.Count > 100, $"only {files.Count} files scanned");
        Assert.Empty(files.SelectMany(f => FileChecks.SecretValues(f, Repo.Read(f))));
    }

    [Fact]
    public void The_local_sample_values_appear_nowhere_else()
    {
        var sampleValues = Samples.SelectMany(f => FileChecks.SecretValues(f, Repo.Read(f))).ToList();
        Assert.NotEmpty(sampleValues);
        const string sample = "sk_local_sidecart_demo";
        Assert.Contains(sample, Repo.Read("config/secrets.json"), StringComparison.Ordinal);
        var elsewhere = Repo.Files.Where(f => !Samples.Contains(f, StringComparer.Ordinal) && !f.StartsWith("tests/", StringComparison.Ordinal))
            .Where(f => !f.EndsWith(".png", StringComparison.Ordinal) && Repo.Read(f).Contains(sample, StringComparison.Ordinal));
        Assert.Empty(elsewhere);
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void No_rendered_overlay_holds_a_secret_value(string overlay) =>
        Assert.Empty(FileChecks.SecretValues($"{overlay}.yaml", Overlays.Yaml(overlay)));
}
