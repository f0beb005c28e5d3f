namespace Sidecart.Dapr.Actors.Runtime;

internal readonly record struct ActorKey(string Type, string Id);
