using System.Text.RegularExpressions;
using Deploy.Tests.Support;

namespace Deploy.Tests;

/// <summary>There is no Docker engine here, so the Dockerfiles are read, not built.</summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string, int> Images => new(CodeFacts.Apps.Select(a => (a.Folder, a.Port)).Append(("apps/payment-provider", 5190)));

    [Theory]
    [MemberData(nameof(Images))]
    public void Each_app_has_a_multi_stage_non_root_dockerfile_on_its_port_with_a_healthz_check(string folder, int port) =>
        Assert.Empty(FileChecks.Dockerfile(Repo.Read($"{folder}/Dockerfile"), port));

    public static TheoryData<string> CSharpImages => new(Repo.Files
        .Where(f => f.StartsWith("apps/", StringComparison.Ordinal) && f.EndsWith(".csproj", StringComparison.Ordinal))
        .Select(f => f[..f.LastIndexOf('/')]));

    /// <summary>MSBuild reads every Directory.Build.props from the project's folder up: one missing from the image's
    /// context is silently skipped, and the image's app runs without the settings it carries (the apps' GC).</summary>
    [Theory]
    [MemberData(nameof(CSharpImages))]
    public void A_CSharp_image_restores_with_every_Directory_Build_props_above_its_project(string folder)
    {
        var dockerfile = Repo.Read($"{folder}/Dockerfile");
        var restore = dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal);
        Assert.True(restore > 0, $"{folder}/Dockerfile has no `RUN dotnet restore`");
        var copied = CopyLine().Matches(dockerfile[..restore])
            .SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToHashSet(StringComparer.Ordinal);
        var above = Enumerable.Range(0, folder.Count(c => c == '/') + 1)
            .Select(depth => string.Join('/', folder.Split('/').Take(depth).Append("Directory.Build.props")))
            .Where(Repo.Files.Contains)
            .ToList();
        Assert.Equal(["Directory.Build.props", "apps/Directory.Build.props"], above);
        Assert.All(above, props => Assert.Contains(props, copied));
    }

    [Fact]
    public void The_app_listens_where_its_image_says()
    {
        foreach (var app in CodeFacts.Apps)
        {
            var dockerfile = Repo.Read($"{app.Folder}/Dockerfile");
            Assert.Matches($@"APP_PORT={app.Port}\b", dockerfile);
        }

        Assert.Contains("Urls=http://+:5190", Repo.Read("apps/payment-provider/Dockerfile"), StringComparison.Ordinal);
    }

    [Fact]
    public void Make_images_builds_every_dockerfile()
    {
        var images = ImagesLine().Match(Repo.Read("Makefile")).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        var dockerfiles = Repo.Files.Where(f => f.StartsWith("apps/", StringComparison.Ordinal) && f.EndsWith("/Dockerfile", StringComparison.Ordinal))
            .Select(f => f.Split('/')[1]).Order(StringComparer.Ordinal);
        Assert.Equal(dockerfiles, images);
        Assert.Equal(6, images.Count());
    }

    [Fact]
    public void The_dockerignore_keeps_build_output_and_local_secrets_out_of_the_context()
    {
        var ignored = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(["**/bin/", "**/obj/", ".git/", ".data/", "config/secrets.json"], StringComparer.Ordinal), ignored);
    }

    [GeneratedRegex(@"^COPY\s+(?!--)(.+)$", RegexOptions.Multiline)]
    private static partial Regex CopyLine();

    [GeneratedRegex(@"^IMAGES\s*:=\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex ImagesLine();
}
