namespace Sidecart.Dapr.Actors;

/// <summary>
/// An actor's state, read through the sidecar and cached for the activation. Changes are buffered and saved in one
/// transaction when the turn (method, reminder or timer callback) ends; a turn that throws discards them. Values are
/// (de)serialized with the JSON resolver given to <c>AddActors</c>.
/// </summary>
public interface IActorStateManager
{
    /// <summary>Reads a value; throws <see cref="KeyNotFoundException"/> when the key has no value.</summary>
    Task<T> GetStateAsync<T>(string key, CancellationToken cancellationToken = default);

    Task<ConditionalValue<T>> TryGetStateAsync<T>(string key, CancellationToken cancellationToken = default);

    Task SetStateAsync<T>(string key, T value, CancellationToken cancellationToken = default);

    /// <summary>Removes a value; false when there was none.</summary>
    Task<bool> RemoveStateAsync(string key, CancellationToken cancellationToken = default);

    Task<bool> ContainsStateAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Saves the changes made so far in this turn now rather than when it ends (for example before calling
    /// another actor that reads this one's state through its own code).</summary>
    Task SaveStateAsync(CancellationToken cancellationToken = default);
}
