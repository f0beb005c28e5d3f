namespace Sidecart.Dapr.Actors;

/// <summary>Creates typed proxies that call actors, hosted by any app, through this app's sidecar.</summary>
public interface IActorProxyFactory
{
    /// <summary>A proxy whose every method is a call to <c>/v1.0/actors/{actorType}/{actorId}/method/{method name}</c>.</summary>
    TActor CreateProxy<TActor>(string actorId, string actorType)
        where TActor : class, IActor;
}
