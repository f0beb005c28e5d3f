namespace Sidecart.Dapr.Actors;

/// <summary>
/// Marks an actor interface. Every method of an interface deriving from <see cref="IActor"/> is callable by name
/// through the sidecar: it returns <see cref="Task"/> or <see cref="Task{TResult}"/> and takes at most one argument
/// (sent as the JSON body), optionally followed by a <see cref="CancellationToken"/>.
/// </summary>
public interface IActor;
