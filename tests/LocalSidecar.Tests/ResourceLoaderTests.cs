using LocalSidecar.Components;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalSidecar.Tests;

public sealed class ResourceLoaderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_components_subscriptions_and_resiliency_from_multi_document_files()
    {
        _dir.Write("all.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.in-memory
              version: v1
              metadata:
              - name: keyPrefix
                value: name
              - name: password
                secretKeyRef:
                  name: db
                  key: pw
              - name: fromEnv
                envRef: SOME_VAR
            scopes: [orders]
            ---
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: sub
            spec:
              pubsubname: pubsub
              topic: orders
              routes:
                rules:
                - match: event.type == "x"
                  path: /x
                default: /orders
              deadLetterTopic: poison
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: ignored
            spec: {}
            """);
        _dir.Write("resiliency.yml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: r
            spec:
              policies:
                retries:
                  fast:
                    policy: constant
                    duration: 10ms
                    maxRetries: 3
              targets:
                components:
                  pubsub:
                    inbound:
                      retry: fast
            """);
        _dir.Write("notes.txt", "not yaml: [");

        var set = ResourceLoader.LoadPaths([_dir.Path]);

        var component = Assert.Single(set.Components);
        Assert.Equal(("statestore", "state.in-memory", "v1"), (component.Name, component.Type, component.Version));
        Assert.Equal(["orders"], component.Scopes);
        Assert.Equal(new SecretKeyRef("db", "pw"), component.Metadata.Single(m => m.Name == "password").SecretKeyRef);
        Assert.Equal("SOME_VAR", component.Metadata.Single(m => m.Name == "fromEnv").EnvRef);

        var subscription = Assert.Single(set.Subscriptions);
        Assert.Equal([new RoutingRule("event.type == \"x\"", "/x"), new RoutingRule("", "/orders")], subscription.Rules);
        Assert.Equal("poison", subscription.DeadLetterTopic);

        var policy = new Resiliency.ResiliencyPolicies(set.Resiliencies).PubSubInboundRetry("pubsub");
        Assert.NotNull(policy);
        Assert.Equal((TimeSpan.FromMilliseconds(10), 3), (policy.Duration, policy.MaxRetries));
        Assert.Empty(set.ScopedTo("catalog").Components);
    }

    [Fact]
    public void A_v1alpha1_subscription_uses_spec_route()
    {
        _dir.Write("sub.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Subscription
            metadata: {name: s}
            spec: {pubsubname: pubsub, topic: t, route: /t}
            scopes: [a]
            """);
        var subscription = Assert.Single(ResourceLoader.LoadPaths([_dir.Path]).Subscriptions);
        Assert.Equal([new RoutingRule("", "/t")], subscription.Rules);
        Assert.True(subscription.IsScopedTo("a"));
        Assert.False(subscription.IsScopedTo("b"));
    }

    [Fact]
    public void Malformed_yaml_names_the_file_and_line()
    {
        var file = _dir.Write("broken.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: x\n");
        var error = Assert.Throws<ResourceException>(() => ResourceLoader.LoadPaths([_dir.Path]));
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_component_without_a_type_names_the_field()
    {
        var file = _dir.Write("c.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  version: v1\n");
        var error = Assert.Throws<ResourceException>(() => ResourceLoader.LoadPaths([_dir.Path]));
        Assert.StartsWith(file, error.Message, StringComparison.Ordinal);
        Assert.Equal("spec.type", error.Field);
    }

    [Fact]
    public void Duplicate_component_names_are_rejected()
    {
        _dir.Write("a.yaml", "kind: Component\nmetadata: {name: x}\nspec: {type: state.in-memory}\n");
        _dir.Write("b.yaml", "kind: Component\nmetadata: {name: x}\nspec: {type: state.in-memory}\n");
        var error = Assert.Throws<ResourceException>(() => ResourceLoader.LoadPaths([_dir.Path]));
        Assert.Contains("already defined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_resources_path_is_an_error()
    {
        var error = Assert.Throws<ResourceException>(() => ResourceLoader.LoadPaths([Path.Combine(_dir.Path, "nope")]));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_component_type_names_the_file_the_field_and_the_supported_types()
    {
        var file = _dir.Write("c.yaml", "kind: Component\nmetadata: {name: x}\nspec: {type: state.cassandra}\n");
        var set = ResourceLoader.LoadPaths([_dir.Path]);
        var error = await Assert.ThrowsAsync<ResourceException>(() => LoadAsync(set));
        Assert.StartsWith(file, error.Message, StringComparison.Ordinal);
        Assert.Equal("spec.type", error.Field);
        Assert.Contains("secretstores.local.file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pubsub.kafka")]
    [InlineData("state.mongodb")]
    public async Task A_component_of_the_daprd_only_profile_is_refused_naming_the_supported_types_and_the_profiles(string type)
    {
        var file = _dir.Write("c.yaml", $"kind: Component\nmetadata: {{name: broker}}\nspec: {{type: {type}, version: v1, metadata: []}}\n");
        var error = await Assert.ThrowsAsync<ResourceException>(() => LoadAsync(ResourceLoader.LoadPaths([_dir.Path])));
        Assert.StartsWith(file, error.Message, StringComparison.Ordinal);
        Assert.Equal("spec.type", error.Field);
        Assert.Contains($"unsupported type '{type}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("pubsub.redis", error.Message, StringComparison.Ordinal);
        Assert.Contains("state.sqlite", error.Message, StringComparison.Ordinal);
        Assert.Contains("components/kafka-mongodb", error.Message, StringComparison.Ordinal);
        Assert.Contains("components/redis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_metadata_field_names_the_file_and_field()
    {
        var file = _dir.Write("c.yaml", "kind: Component\nmetadata: {name: secrets}\nspec: {type: secretstores.local.file, metadata: []}\n");
        var error = await Assert.ThrowsAsync<ResourceException>(() => LoadAsync(ResourceLoader.LoadPaths([_dir.Path])));
        Assert.StartsWith(file, error.Message, StringComparison.Ordinal);
        Assert.Equal("spec.metadata.secretsFile", error.Field);
    }

    [Fact]
    public async Task SecretKeyRef_is_resolved_through_the_auth_secret_store()
    {
        _dir.Write("secrets.json", """{"db": {"pw": "hunter2"}}""");
        _dir.Write("a.yaml", """
            kind: Component
            metadata: {name: vault}
            spec:
              type: secretstores.local.file
              metadata:
              - {name: secretsFile, value: secrets.json}
              - {name: multiValued, value: "true"}
            ---
            kind: Component
            metadata: {name: other}
            auth: {secretStore: vault}
            spec:
              type: secretstores.local.env
              metadata:
              - name: prefix
                secretKeyRef: {name: db, key: pw}
            """);
        await using var registry = await LoadAsync(ResourceLoader.LoadPaths([_dir.Path]));
        Assert.True(registry.TryGet<Components.Secrets.ISecretStore>("other", out _));

        _dir.Write("a.yaml", """
            kind: Component
            metadata: {name: other}
            spec:
              type: secretstores.local.env
              metadata:
              - name: prefix
                secretKeyRef: {name: db, key: pw}
            """);
        var error = await Assert.ThrowsAsync<ResourceException>(() => LoadAsync(ResourceLoader.LoadPaths([_dir.Path])));
        Assert.Contains("auth.secretStore", error.Message, StringComparison.Ordinal);
    }

    private Task<ComponentRegistry> LoadAsync(ResourceSet set) =>
        ComponentRegistry.LoadAsync(set.Components, "app", _dir.Path,
            new SidecarEnvironment(new FileNameResolver(Path.Combine(_dir.Path, "names"))), NullLogger.Instance, CancellationToken.None);
}
