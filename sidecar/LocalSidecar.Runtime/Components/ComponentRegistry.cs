using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using LocalSidecar.Components.Secrets;
using LocalSidecar.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Components;

/// <summary>The components one sidecar has loaded, by name. Secret stores are initialised first so that
/// other components can resolve <c>secretKeyRef</c> through them.</summary>
public sealed class ComponentRegistry : IAsyncDisposable
{
    // Found by their attribute, so that a new component type is one new file. The sidecar executable keeps this whole
    // assembly when compiled ahead of time (TrimmerRootAssembly), so every type and constructor found here exists.
    private static readonly IReadOnlyDictionary<string, Type> KnownTypes = FindComponentTypes();

    /// <summary>Types of the profiles for real daprd only (components/kafka-mongodb): no such server runs here.</summary>
    private static readonly HashSet<string> DaprdOnlyTypes = new(StringComparer.Ordinal) { "pubsub.kafka", "state.mongodb" };

    private readonly Dictionary<string, (ComponentSpec Spec, IComponent Instance)> _loaded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Messaging.TopicScopes> _topicScopes = new(StringComparer.Ordinal);

    private ComponentRegistry() { }

    public static IReadOnlyCollection<string> SupportedTypes => KnownTypes.Keys.Order(StringComparer.Ordinal).ToList();

    public IEnumerable<(ComponentSpec Spec, IComponent Instance)> All => _loaded.Values;

    public static async Task<ComponentRegistry> LoadAsync(
        IReadOnlyList<ComponentSpec> specs, string appId, string workingDirectory, SidecarEnvironment environment, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var spec in specs)
        {
            if (!KnownTypes.ContainsKey(spec.Type))
            {
                throw new ResourceException(spec.SourceFile, "spec.type", UnsupportedType(spec));
            }
        }

        var registry = new ComponentRegistry();
        try
        {
            foreach (var spec in specs.OrderBy(s => s.BuildingBlock == "secretstores" ? 0 : 1))
            {
                var metadata = await registry.ResolveMetadataAsync(spec, appId, cancellationToken);
                var instance = Create(KnownTypes[spec.Type]);
                try
                {
                    await instance.InitAsync(new ComponentContext(spec, metadata, appId, workingDirectory, environment) { Logger = logger }, cancellationToken);
                }
                catch (Exception e) when (spec.IgnoreErrors)
                {
                    logger.LogWarning(e, "Component {Component} ({Type}) failed to initialise and is skipped (ignoreErrors: true)", spec.Name, spec.Type);
                    await instance.DisposeAsync();
                    continue;
                }
                catch (Exception e) when (e is not ResourceException and not OperationCanceledException)
                {
                    await instance.DisposeAsync();
                    throw new ResourceException($"{spec.SourceFile}: component '{spec.Name}' ({spec.Type}) failed to initialise: {e.Message}", e);
                }

                registry._loaded[spec.Name] = (spec, instance);
                if (spec.BuildingBlock == "pubsub")
                {
                    registry._topicScopes[spec.Name] = Messaging.TopicScopes.Read(metadata, appId);
                }

                logger.LogInformation("Component loaded: {Component} ({Type}/{Version})", spec.Name, spec.Type, spec.Version);
            }
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }

        return registry;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "LocalSidecar.csproj roots this assembly")]
    private static Dictionary<string, Type> FindComponentTypes() => typeof(ComponentRegistry).Assembly.GetTypes()
        .Where(t => typeof(IComponent).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .SelectMany(t => t.GetCustomAttributes<ComponentTypeAttribute>().Select(a => (a.Type, Impl: t)))
        .ToDictionary(x => x.Type, x => x.Impl, StringComparer.Ordinal);

    [UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "LocalSidecar.csproj roots this assembly: component constructors are kept")]
    private static IComponent Create(Type type) => (IComponent)Activator.CreateInstance(type)!;

    public bool TryGet<T>(string name, out T component) where T : class, IComponent
    {
        if (_loaded.TryGetValue(name, out var entry) && entry.Instance is T typed)
        {
            component = typed;
            return true;
        }

        component = null!;
        return false;
    }

    /// <summary>Puts a decorator in the place of each loaded component of type <typeparamref name="T"/> (fault switches).</summary>
    public void Replace<T>(Func<string, T, T> decorate) where T : class, IComponent
    {
        ArgumentNullException.ThrowIfNull(decorate);
        foreach (var (name, entry) in _loaded.ToList())
        {
            if (entry.Instance is T typed)
            {
                _loaded[name] = (entry.Spec, decorate(name, typed));
            }
        }
    }
    /// <summary>The topic scoping of a loaded pub/sub component for this app (none for any other name).</summary>
    public Messaging.TopicScopes TopicScopesOf(string pubsubName) =>
        _topicScopes.TryGetValue(pubsubName, out var scopes) ? scopes : Messaging.TopicScopes.None;

    public IEnumerable<(string Name, T Component)> OfType<T>() where T : class, IComponent =>
        _loaded.Values.Where(e => e.Instance is T).Select(e => (e.Spec.Name, (T)e.Instance));

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, instance) in _loaded.Values.Reverse())
        {
            await instance.DisposeAsync();
        }

        _loaded.Clear();
    }

    private async Task<Dictionary<string, string>> ResolveMetadataAsync(ComponentSpec spec, string appId, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in spec.Metadata)
        {
            var field = $"spec.metadata.{item.Name}";
            if (item.SecretKeyRef is { } secretRef)
            {
                result[item.Name] = await ResolveSecretAsync(spec, field, secretRef, cancellationToken);
            }
            else if (item.EnvRef is { } envRef)
            {
                if (envRef.StartsWith("DAPR_", StringComparison.OrdinalIgnoreCase) || envRef.Equals("APP_API_TOKEN", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ResourceException(spec.SourceFile, field, $"envRef may not read {envRef}");
                }

                result[item.Name] = System.Environment.GetEnvironmentVariable(envRef) ?? "";
            }
            else
            {
                result[item.Name] = ApplyTemplates(item.Value ?? "", appId);
            }
        }

        return result;
    }

    private async Task<string> ResolveSecretAsync(ComponentSpec spec, string field, SecretKeyRef secretRef, CancellationToken cancellationToken)
    {
        if (spec.AuthSecretStore is not { } storeName)
        {
            throw new ResourceException(spec.SourceFile, field, "uses secretKeyRef but the component has no auth.secretStore");
        }

        if (!TryGet<ISecretStore>(storeName, out var store))
        {
            throw new ResourceException(spec.SourceFile, "auth.secretStore", $"secret store '{storeName}' is not loaded");
        }

        try
        {
            var secret = await store.GetAsync(secretRef.Name, new Dictionary<string, string>(), cancellationToken);
            return secret.TryGetValue(secretRef.Key, out var value)
                ? value
                : throw new ResourceException(spec.SourceFile, field, $"secret '{secretRef.Name}' in '{storeName}' has no key '{secretRef.Key}'");
        }
        catch (SecretNotFoundException)
        {
            throw new ResourceException(spec.SourceFile, field, $"secret '{secretRef.Name}' was not found in secret store '{storeName}'");
        }
    }

    /// <summary>Names what the local sidecar runs instead; a type of a profile meant for real daprd (a broker or store
    /// that cannot run here) also gets the profiles to use.</summary>
    private static string UnsupportedType(ComponentSpec spec)
    {
        var message = $"component '{spec.Name}' has unsupported type '{spec.Type}'; the local sidecar supports: {string.Join(", ", SupportedTypes)}";
        return DaprdOnlyTypes.Contains(spec.Type)
            ? $"{message}. {spec.Type} is for real daprd (components/kafka-mongodb): run the local sidecar with components/local or components/redis (make run, make run PROFILE=redis)"
            : message;
    }

    private static string ApplyTemplates(string value, string appId)
    {
        if (!value.Contains('{', StringComparison.Ordinal))
        {
            return value;
        }

        var ns = System.Environment.GetEnvironmentVariable("NAMESPACE");
        value = value.Replace("{appID}", appId, StringComparison.Ordinal)
            .Replace("{namespace}", string.IsNullOrEmpty(ns) ? appId : $"{ns}.{appId}", StringComparison.Ordinal);
        while (value.Contains("{uuid}", StringComparison.Ordinal))
        {
            var at = value.IndexOf("{uuid}", StringComparison.Ordinal);
            value = string.Concat(value.AsSpan(0, at), Guid.NewGuid().ToString(), value.AsSpan(at + 6));
        }

        return value;
    }
}
