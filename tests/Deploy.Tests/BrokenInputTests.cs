using Deploy.Tests.Support;

namespace Deploy.Tests;

/// <summary>Every check of this project, given a deliberately broken copy of what it reads, says what is wrong: none of
/// them passes whatever it is given.</summary>
public sealed class BrokenInputTests
{
    private static readonly IReadOnlyList<Call> CodeCalls = CodeFacts.Invocations(out _);

    private static List<Dictionary<string, object?>> LocalConfigurations() =>
        CodeFacts.Apps.Select(a => Yaml.File(a.ConfigFile!).Single()).ToList();

    private static Dictionary<string, object?> Configuration(List<Dictionary<string, object?>> configurations, string name) =>
        configurations.Single(c => Yaml.Str(c, "metadata", "name") == name);

    [Fact]
    public void An_operation_the_code_never_calls_is_reported()
    {
        var configs = LocalConfigurations();
        var policy = Yaml.Maps(Configuration(configs, "catalog"), "spec", "accessControl", "policies").Single();
        Yaml.List(policy, "operations").Add(new Dictionary<string, object?> { ["name"] = "/products", ["httpVerb"] = new List<object?> { "GET" }, ["action"] = "allow" });
        Assert.Contains("allowed but never made by the code: ordering -> catalog: GET /products", Checks.AccessControl(configs, CodeCalls, "default"));
    }

    [Fact]
    public void A_call_no_policy_allows_is_reported()
    {
        var configs = LocalConfigurations();
        Yaml.List(Configuration(configs, "payments"), "spec", "accessControl", "policies").Clear();
        Assert.Contains("made by the code but not allowed: ordering -> payments: POST /payments/refund", Checks.AccessControl(configs, CodeCalls, "default"));
    }

    [Fact]
    public void A_configuration_allowing_by_default_or_a_policy_in_another_namespace_is_reported()
    {
        var configs = LocalConfigurations();
        Yaml.Map(Configuration(configs, "shipping"), "spec", "accessControl")["defaultAction"] = "allow";
        var problems = Checks.AccessControl(configs, CodeCalls, "sidecart");
        Assert.Contains(problems, p => p.StartsWith("allowed but never made by the code: * -> shipping", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("has namespace 'default', where its caller runs in 'sidecart'", StringComparison.Ordinal));
    }

    [Fact]
    public void Dapr_shapes_report_unknown_fields_missing_ones_and_values_daprd_refuses()
    {
        var config = Yaml.File("config/catalog.yaml").Single();
        var policy = Yaml.Maps(config, "spec", "accessControl", "policies").Single();
        policy.Remove("namespace");
        var operation = Yaml.Maps(policy, "operations").Single();
        operation["httpVerb"] = new List<object?> { "get" };
        Yaml.Map(config, "spec", "mtls").Remove("sentryAddress");
        Yaml.Map(config, "spec")["tracingg"] = new Dictionary<string, object?>();
        var errors = DaprSchemas.Check(config);
        Assert.Contains("spec.accessControl.policies[0].namespace: is required", errors);
        Assert.Contains(errors, e => e.StartsWith("spec.accessControl.policies[0].operations[0].httpVerb[0]: 'get' is not one of", StringComparison.Ordinal));
        Assert.Contains("spec.mtls.sentryAddress: is required", errors);
        Assert.Contains(errors, e => e.StartsWith("spec.tracingg: unknown field", StringComparison.Ordinal));
    }

    [Fact]
    public void A_component_item_with_a_value_and_a_secret_or_a_resiliency_naming_a_missing_policy_is_reported()
    {
        var component = Yaml.Documents("""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: statestore}
            spec:
              type: state.redis
              version: v1
              metadata:
                - {name: redisPassword, value: x, secretKeyRef: {name: redis, key: redis-password}}
            """, "test").Single();
        Assert.Contains(DaprSchemas.Check(component), e => e.Contains("give exactly one of value, secretKeyRef, envRef", StringComparison.Ordinal));
        var resiliency = Yaml.File("components/local/resiliency.yaml").Single();
        Yaml.Map(resiliency, "spec", "targets", "components", "pubsub", "inbound")["retry"] = "missing";
        Assert.Contains("spec.targets.components.pubsub.inbound.retry: no retry policy named 'missing' in spec.policies", DaprSchemas.Check(resiliency));
    }

    [Fact]
    public void A_deployment_on_another_port_or_running_as_root_is_reported()
    {
        Tools.RequireKubectl();
        var objects = Overlays.Objects("redis").ToList();
        var catalog = objects.Named("Deployment", "catalog")!;
        Yaml.Map(catalog, "spec", "template", "metadata", "annotations")["dapr.io/app-port"] = "8080";
        Yaml.Map(catalog, "spec", "template", "spec").Remove("securityContext");
        var problems = Checks.Deployments(objects, CodeFacts.Apps);
        Assert.Contains("catalog: annotation dapr.io/app-port is '8080', expected '5101'", problems);
        Assert.Contains("catalog: runAsNonRoot is not set", problems);
    }

    [Fact]
    public void An_image_no_dockerfile_builds_is_reported()
    {
        var deployment = Yaml.Documents("""
            kind: Deployment
            spec: {template: {spec: {containers: [{name: x, image: "redis:7"}, {name: y, image: "sidecart/catalog:dev"}]}}}
            """, "test");
        var problems = Checks.Images(deployment, ["apps/catalog/Dockerfile"], ["catalog"]);
        Assert.Equal(["image 'redis:7' is not built by a Dockerfile here (expected sidecart/<app>:<tag> and apps/<app>/Dockerfile)"], problems);
    }

    [Fact]
    public void A_secret_the_readme_does_not_create_is_seen()
    {
        var deployment = Yaml.Documents("""
            kind: Deployment
            spec: {template: {metadata: {annotations: {dapr.io/api-token-secret: dapr-api-token}}, spec: {containers: [{name: x, env: [{name: A, valueFrom: {secretKeyRef: {name: other, key: k}}}]}]}}}
            """, "test");
        var referenced = Checks.SecretReferences(deployment);
        var created = Checks.SecretsCreatedBy("kubectl -n sidecart create secret generic dapr-api-token --from-literal=token=$(openssl rand -hex 32)");
        Assert.Equal(["other/k"], referenced.Except(created));
    }

    [Fact]
    public void A_component_scoped_to_the_wrong_apps_or_allowing_other_topics_is_reported()
    {
        var components = Yaml.File("deploy/kubernetes/overlays/redis/components.yaml").ToList();
        var pubsub = components.Single(c => Yaml.Str(c, "metadata", "name") == "pubsub");
        Yaml.List(pubsub, "scopes").Remove("shipping");
        Yaml.Maps(pubsub, "spec", "metadata").Single(i => Yaml.Str(i, "name") == "allowedTopics")["value"] = "orders,shipments";
        components.Add(Yaml.File("deploy/kubernetes/base/secretstore.yaml").Single());
        var usedBy = CodeFacts.Apps.ToDictionary(a => a.AppId, a => CodeFacts.ComponentsUsedBy(a, ["statestore", "pubsub", "secretstore"], "statestore"), StringComparer.Ordinal);
        var problems = Checks.Components(components, usedBy, CodeFacts.Topics(), cluster: true);
        Assert.Contains("component pubsub: scopes [catalog, inventory, ordering], but the apps using it are [catalog, inventory, ordering, shipping]", problems);
        Assert.Contains(problems, p => p.StartsWith("component pubsub: allowedTopics [orders,shipments]", StringComparison.Ordinal));
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void A_single_stage_dockerfile_running_as_root_is_reported()
    {
        var problems = FileChecks.Dockerfile("FROM mcr.microsoft.com/dotnet/sdk:10.0\nCOPY . .\nENTRYPOINT [\"dotnet\", \"x.dll\"]\n", 5101);
        Assert.Equal(["not multi-stage: one FROM"], problems);
        problems = FileChecks.Dockerfile("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nFROM mcr.microsoft.com/dotnet/sdk:10.0\nUSER root\nEXPOSE 8080\n", 5101);
        Assert.Contains("the final stage runs as 'root'", problems);
        Assert.Contains("no EXPOSE 5101", problems);
        Assert.Contains("no HEALTHCHECK of /healthz on port 5101", problems);
        Assert.Contains("the final stage runs on 'mcr.microsoft.com/dotnet/sdk:10.0', not a small runtime image", problems);
    }

    [Fact]
    public void A_password_in_a_component_or_a_secret_object_or_a_private_key_is_reported()
    {
        var problems = FileChecks.SecretValues("x.yaml", """
            kind: Component
            spec:
              metadata:
                - {name: redisPassword, value: hunter2}
                - {name: secretsFile, value: ../secrets.json}
            ---
            kind: Secret
            metadata: {name: s}
            stringData: {token: abc}
            """);
        Assert.Equal(["x.yaml: 'redisPassword' has a value: use a secretKeyRef (or a Secret created outside the repository)", "x.yaml: a Secret with data (s)"], problems);
        Assert.Single(FileChecks.SecretValues("key.pem.md", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"));
        Assert.Single(FileChecks.SecretValues("appsettings.json", """{"Provider": {"ApiKey": "sk_x"}}"""));
    }
}
