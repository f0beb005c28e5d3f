namespace LocalSidecar.Components;

/// <summary>A component implementation (a state store, a pub/sub broker, a secret store...).
/// Implementations carry a <see cref="ComponentTypeAttribute"/> and a public parameterless constructor,
/// so a new component type is one new file.</summary>
public interface IComponent : IAsyncDisposable
{
    /// <summary>Reads and validates metadata; throws <see cref="ResourceException"/> (via the context) for bad configuration.</summary>
    Task InitAsync(ComponentContext context, CancellationToken cancellationToken);

    /// <summary>Capabilities reported by <c>GET /v1.0/metadata</c> (ETAG, TRANSACTIONAL, TTL, ACTOR...).</summary>
    IReadOnlyList<string> Capabilities => [];
}

/// <summary>Names the Dapr component type (<c>spec.type</c>) a class implements.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class ComponentTypeAttribute(string type) : Attribute
{
    public string Type { get; } = type;
}
