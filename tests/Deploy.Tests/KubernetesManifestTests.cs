using System.Text.Json;
using Deploy.Tests.Support;
using LocalSidecar.Components;
using LocalSidecar.Runner;

namespace Deploy.Tests;

/// <summary>Every overlay renders with <c>kubectl kustomize</c>, and what it renders is valid: Kubernetes objects against
/// Kubernetes' schemas (tests/k8s-schemas), Dapr's resources against the dapr.io CRDs' shapes.</summary>
public sealed class KubernetesManifestTests
{
    [Fact]
    public void There_is_an_overlay_per_profile_and_a_dev_one() =>
        Assert.Equal(["dev", "kafka-mongodb", "redis"], Overlays.Names());

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void An_overlay_renders_every_app_into_one_namespace(string overlay)
    {
        var objects = Overlays.Objects(overlay);
        var ns = Assert.Single(objects.OfKind("Namespace"));
        var name = Yaml.Str(ns, "metadata", "name");
        Assert.All(CodeFacts.AppIds, id => Assert.NotNull(objects.Named("Deployment", id)));
        Assert.All(objects.Where(o => Yaml.Str(o, "kind") != "Namespace"), o => Assert.Equal(name, Yaml.Str(o, "metadata", "namespace")));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Rendered_objects_validate_against_kubernetes_schemas(string overlay)
    {
        var yaml = Overlays.Yaml(overlay);
        Tools.RequireSchemaValidator();
        var (exit, lines, errors) = Tools.ValidateSchemas(yaml);
        var results = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(exit == 0, $"validator exited {exit}: {errors}\n{string.Join('\n', lines.Where(l => !l.Contains("\"valid\"", StringComparison.Ordinal)))}");
        Assert.Equal(Yaml.Documents(yaml, overlay).Count, results.Count);
        Assert.Contains(results, r => r.GetProperty("kind").GetString() == "Deployment" && r.GetProperty("result").GetString() == "valid");
        Assert.All(results.Where(r => r.GetProperty("result").GetString() == "not-kubernetes"),
            r => Assert.StartsWith("dapr.io/", r.GetProperty("apiVersion").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public void The_schema_validator_refuses_an_invalid_object()
    {
        Tools.RequireSchemaValidator();
        var (exit, lines, _) = Tools.ValidateSchemas("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: broken}
            spec:
              selector: {matchLabels: {a: b}}
              template:
                spec:
                  containers:
                    - {name: c, image: i, ports: [{containerPort: http}]}
            """);
        Assert.Equal(1, exit);
        Assert.Contains("containerPort", Assert.Single(lines), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Rendered_dapr_resources_match_their_crds(string overlay)
    {
        var dapr = Overlays.Objects(overlay).Where(DaprSchemas.IsDapr).ToList();
        Assert.Contains(dapr, d => Yaml.Str(d, "kind") == "Component");
        Assert.Empty(dapr.SelectMany(d => DaprSchemas.Check(d).Select(e => $"{Yaml.Str(d, "kind")} {Yaml.Str(d, "metadata", "name")}: {e}")));
    }

    [Fact]
    public void Dapr_resources_of_the_repository_match_their_crds()
    {
        var files = Repo.Files.Where(f => (f.StartsWith("config/", StringComparison.Ordinal) || f.StartsWith("components/", StringComparison.Ordinal) || f.StartsWith("deploy/", StringComparison.Ordinal))
            && f.EndsWith(".yaml", StringComparison.Ordinal)).ToList();
        var resources = files.SelectMany(f => Yaml.File(f).Where(DaprSchemas.IsDapr).Select(d => (File: f, Resource: d))).ToList();
        Assert.True(resources.Count >= 10, $"only {resources.Count} Dapr resources found");
        Assert.Empty(resources.SelectMany(r => DaprSchemas.Check(r.Resource).Select(e => $"{r.File}: {e}")));
    }

    [Fact]
    public void The_local_sidecar_runs_every_app_with_the_configuration_dapr_yaml_names()
    {
        var run = RunFile.Load(Repo.PathOf("dapr.yaml"), daprHome: Path.Combine(Path.GetTempPath(), "no-dapr-home"));
        foreach (var app in CodeFacts.Apps)
        {
            var spec = Assert.Single(run.Apps, a => a.AppId == app.AppId);
            Assert.Equal(Repo.PathOf($"config/{app.AppId}.yaml"), spec.ConfigFilePath);
            Assert.Equal(app.AppId, ConfigurationLoader.Load(spec.ConfigFilePath).Name);
        }
    }
}
