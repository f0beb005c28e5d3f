using System.Text.Json;
using Deploy.Tests.Support;

namespace Deploy.Tests;

/// <summary>App ids, ports, Configurations, components, topics, secrets and images agree across the code, dapr.yaml,
/// tye.yaml, config/, the local profiles and every overlay.</summary>
public sealed class CrossReferenceTests
{
    private static readonly string[] ComponentNames = ["statestore", "pubsub", "secretstore"];

    private static Dictionary<string, IReadOnlySet<string>> UsedBy(string actorStateStore = "statestore") =>
        CodeFacts.Apps.ToDictionary(a => a.AppId, a => CodeFacts.ComponentsUsedBy(a, ComponentNames, actorStateStore), StringComparer.Ordinal);

    [Fact]
    public void Dapr_yaml_runs_every_app_with_its_own_configuration()
    {
        Assert.Equal(["catalog", "inventory", "ordering", "payments", "shipping"], CodeFacts.AppIds.Order(StringComparer.Ordinal));
        foreach (var app in CodeFacts.Apps)
        {
            Assert.Equal($"config/{app.AppId}.yaml", app.ConfigFile);
            Assert.Equal(app.AppId, Yaml.Str(Yaml.File(app.ConfigFile!).Single(), "metadata", "name"));
        }

        var listed = Yaml.Strings(Yaml.File("config/kustomization.yaml").Single(), "resources").Select(r => $"config/{r}").Order(StringComparer.Ordinal);
        Assert.Equal(CodeFacts.Apps.Select(a => a.ConfigFile!).Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public void Tye_yaml_runs_the_apps_of_dapr_yaml_on_their_ports_with_their_configurations()
    {
        var tye = Yaml.File("tye.yaml").Single();
        var services = Yaml.Maps(tye, "services").ToDictionary(s => Yaml.Str(s, "name")!, StringComparer.Ordinal);
        var dapr = Assert.Single(Yaml.Maps(tye, "extensions"), e => Yaml.Str(e, "name") == "dapr");
        Assert.Equal("./components/redis", Yaml.Str(dapr, "components-path"));
        foreach (var app in CodeFacts.Apps)
        {
            var service = services[app.AppId];
            Assert.Equal(app.Port, Yaml.Number(Yaml.Maps(service, "bindings").Single(), "port"));
            var path = Yaml.Str(service, "project") ?? Path.Combine(Yaml.Str(service, "workingDirectory")!, Yaml.Str(service, "args")!);
            Assert.StartsWith(app.Folder + "/", path.Replace('\\', '/'), StringComparison.Ordinal);
            Assert.True(File.Exists(Repo.PathOf(path)), $"{path} does not exist");
            Assert.Equal(app.AppId, Yaml.Str(dapr, "services", app.AppId, "app-id"));
            Assert.Equal(Yaml.Str(Yaml.File(app.ConfigFile!).Single(), "metadata", "name"), Yaml.Str(dapr, "services", app.AppId, "config"));
        }

        Assert.Equal(false, Yaml.Get(dapr, "services", "payment-provider", "enabled"));
        Assert.Equal(6379, Yaml.Number(Yaml.Maps(services["redis"], "bindings").Single(), "port"));
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Deployments_agree_with_dapr_yaml(string overlay) =>
        Assert.Empty(Checks.Deployments(Overlays.Objects(overlay), CodeFacts.Apps));

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Every_image_is_built_by_a_dockerfile_here(string overlay)
    {
        var dockerfiles = Repo.Files.Where(f => f.EndsWith("/Dockerfile", StringComparison.Ordinal)).ToList();
        var makeImages = dockerfiles.Select(f => f.Split('/')[1]).ToList();
        Assert.Empty(Checks.Images(Overlays.Objects(overlay), dockerfiles, makeImages));
    }

    [Fact]
    public void Only_the_dev_overlay_runs_the_stand_in_payment_provider()
    {
        foreach (var overlay in Overlays.Names())
        {
            var provider = Overlays.Objects(overlay).Named("Deployment", "payment-provider");
            Assert.True((provider is not null) == (overlay == "dev"), $"{overlay}: payment-provider {(provider is null ? "missing" : "present")}");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Every_secret_the_manifests_read_is_created_by_the_readme(string overlay)
    {
        var referenced = Checks.SecretReferences(Overlays.Objects(overlay));
        Assert.Contains("dapr-api-token/token", referenced);
        var created = Checks.SecretsCreatedBy(Repo.Read("README.md"));
        Assert.Empty(referenced.Except(created));
    }

    [Fact]
    public void Payments_reads_the_one_secret_its_scope_allows_in_every_profile()
    {
        var (store, name) = CodeFacts.PaymentsProviderSecret();
        var scope = Assert.Single(Yaml.Maps(Yaml.File("config/payments.yaml").Single(), "spec", "secrets", "scopes"), s => Yaml.Str(s, "storeName") == store);
        Assert.Equal([name], Yaml.Strings(scope, "allowedSecrets"));
        using var local = JsonDocument.Parse(Repo.Read("config/secrets.json"));
        Assert.True(local.RootElement.TryGetProperty(name, out _), $"config/secrets.json has no {name}");
        foreach (var overlay in Overlays.Names())
        {
            var objects = Overlays.Objects(overlay);
            Assert.Equal("secretstores.kubernetes", Yaml.Str(objects.Named("Component", store), "spec", "type"));
            var role = Assert.Single(objects.OfKind("Role"));
            Assert.Equal([name], Yaml.Maps(role, "rules").SelectMany(r => Yaml.Strings(r, "resourceNames")));
            var payments = objects.Named("Deployment", "payments");
            Assert.Equal(Yaml.Str(Yaml.Maps(objects.OfKind("RoleBinding").Single(), "subjects").Single(), "name"), Yaml.Str(payments, "spec", "template", "spec", "serviceAccountName"));
            Assert.DoesNotContain(Yaml.Maps(Yaml.Maps(payments, "spec", "template", "spec", "containers").Single(), "env"),
                e => Yaml.Str(e, "name") is "Payments__Provider__ApiKeySecretName" or "Payments__Provider__SecretStore");
            Assert.Contains($"{name}/", string.Join(' ', Checks.SecretsCreatedBy(Repo.Read("README.md"))), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Secret_scopes_cover_every_secret_store_of_every_profile()
    {
        var stores = new HashSet<string>(["kubernetes"], StringComparer.Ordinal);
        var profiles = new[] { "components/local", "components/redis" }
            .Select(p => Repo.Files.Where(f => f.StartsWith(p + "/", StringComparison.Ordinal) && f.EndsWith(".yaml", StringComparison.Ordinal)).SelectMany(Yaml.File).ToList())
            .Concat(Overlays.Names().Select(o => Overlays.Objects(o).ToList()));
        foreach (var profile in profiles)
        {
            stores.UnionWith(profile.OfKind("Component").Where(c => Yaml.Str(c, "spec", "type")!.StartsWith("secretstores.", StringComparison.Ordinal)).Select(c => Yaml.Str(c, "metadata", "name")!));
        }

        foreach (var app in CodeFacts.Apps)
        {
            var scoped = Yaml.Maps(Yaml.File(app.ConfigFile!).Single(), "spec", "secrets", "scopes").Select(s => Yaml.Str(s, "storeName")!).ToHashSet(StringComparer.Ordinal);
            Assert.True(stores.SetEquals(scoped), $"{app.AppId}: scopes [{string.Join(", ", scoped)}], secret stores [{string.Join(", ", stores)}]");
        }
    }

    [Fact]
    public void Topics_of_the_code_are_the_channels_of_asyncapi()
    {
        var channels = Yaml.Map(Yaml.File("docs/asyncapi.yaml").Single(), "channels").Values.Select(c => Yaml.Str(c, "address")!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(8, CodeFacts.Topics().Count);
        Assert.True(channels.SetEquals(CodeFacts.Topics()), $"asyncapi: [{string.Join(", ", channels)}], code: [{string.Join(", ", CodeFacts.Topics())}]");
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Components_of_an_overlay_agree_with_the_code(string overlay)
    {
        var components = Overlays.Objects(overlay).OfKind("Component").ToList();
        Assert.Equal(ComponentNames.Order(StringComparer.Ordinal), components.Select(c => Yaml.Str(c, "metadata", "name")!).Order(StringComparer.Ordinal));
        Assert.Equal("true", Yaml.Str(Yaml.Maps(components.Named("Component", "statestore"), "spec", "metadata").Single(i => Yaml.Str(i, "name") == "actorStateStore"), "value"));
        Assert.Empty(Checks.Components(components, UsedBy(), CodeFacts.Topics(), cluster: true));
    }

    [Theory]
    [InlineData("components/local")]
    [InlineData("components/redis")]
    public void Components_of_a_local_profile_agree_with_the_code(string profile)
    {
        var components = Repo.Files.Where(f => f.StartsWith(profile + "/", StringComparison.Ordinal) && f.EndsWith(".yaml", StringComparison.Ordinal))
            .SelectMany(Yaml.File).OfKind("Component").ToList();
        Assert.Empty(Checks.Components(components, UsedBy(), CodeFacts.Topics(), cluster: false));
    }

    [Fact]
    public void Resiliency_is_the_same_in_every_profile_and_targets_components_that_exist()
    {
        var copies = new[] { "components/local/resiliency.yaml", "components/redis/resiliency.yaml", "deploy/kubernetes/base/resiliency.yaml" }
            .Select(f => (File: f, Resource: Yaml.File(f).Single())).ToList();
        var first = JsonSerializer.Serialize(copies[0].Resource);
        Assert.All(copies, c => Assert.Equal(first, JsonSerializer.Serialize(c.Resource)));
        foreach (var target in Yaml.Map(copies[0].Resource, "spec", "targets", "components").Keys)
        {
            Assert.Contains(target, ComponentNames);
        }
    }
}
