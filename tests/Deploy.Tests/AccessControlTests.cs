using Deploy.Tests.Support;

namespace Deploy.Tests;

/// <summary>Access control allows exactly the service invocations the code makes, nothing else, locally (config/) and in
/// every overlay. Actor calls (ordering to inventory's Sku actors), pub/sub and a sidecar's calls to its own app are not
/// service invocation, so no policy covers them.</summary>
public sealed class AccessControlTests
{
    private static IReadOnlyList<Dictionary<string, object?>> LocalConfigurations =>
        CodeFacts.Apps.Select(a => Yaml.File(a.ConfigFile ?? throw new InvalidOperationException($"{a.AppId} has no configFilePath in dapr.yaml")).Single()).ToList();

    [Fact]
    public void The_code_invokes_catalog_and_payments_from_ordering_and_nothing_else()
    {
        var calls = CodeFacts.Invocations(out var unrecognized);
        Assert.Empty(unrecognized);
        Assert.Equal(
            ["ordering -> catalog: GET /products/*", "ordering -> payments: POST /payments/authorize", "ordering -> payments: POST /payments/refund"],
            calls.Select(c => c.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Local_policies_allow_exactly_the_calls_the_code_makes() =>
        Assert.Empty(Checks.AccessControl(LocalConfigurations, CodeFacts.Invocations(out _), "default"));

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void Cluster_policies_allow_exactly_the_calls_the_code_makes_from_the_apps_namespace(string overlay)
    {
        var objects = Overlays.Objects(overlay);
        var configurations = objects.OfKind("Configuration").ToList();
        var ns = Yaml.Str(objects.Named("Deployment", "ordering"), "metadata", "namespace")!;
        Assert.Equal(CodeFacts.AppIds.Order(StringComparer.Ordinal), configurations.Select(c => Yaml.Str(c, "metadata", "name")!).Order(StringComparer.Ordinal));
        Assert.Empty(Checks.AccessControl(configurations, CodeFacts.Invocations(out _), ns));
    }

    [Fact]
    public void Ordering_calls_the_actor_type_inventory_hosts()
    {
        var caller = Repo.Read("apps/ordering/Actors/SkuActorClient.cs");
        var host = Repo.Read("apps/inventory/Actors/SkuActor.cs");
        const string declaration = "public const string TypeName = \"Sku\";";
        Assert.Contains(declaration, caller, StringComparison.Ordinal);
        Assert.Contains(declaration, host, StringComparison.Ordinal);
    }
}
