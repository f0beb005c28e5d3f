namespace Sidecart.Dapr.Actors;

/// <summary>A value that may be absent, as returned by <see cref="IActorStateManager.TryGetStateAsync{T}"/>.</summary>
public readonly record struct ConditionalValue<T>(bool HasValue, T Value);
