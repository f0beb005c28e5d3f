using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sidecart.Dapr.Actors.Serialization;

namespace Sidecart.Dapr.Actors;

/// <summary>
/// Proxies over <see cref="DaprClient.InvokeActorMethodAsync{TRequest, TResponse}"/>: the argument is sent as the JSON
/// body, the result read from the JSON answer, both with the given resolver. A failure inside the actor (its method
/// threw, no such method, bad argument) surfaces as <see cref="ActorMethodException"/>; a failure to reach it (no
/// host for the type, sidecar errors) as the <see cref="DaprApiException"/> the client threw.
/// </summary>
public sealed class ActorProxyFactory : IActorProxyFactory
{
    private readonly DaprClient _client;
    private readonly JsonSerializerOptions _json;

    public ActorProxyFactory(DaprClient client, IJsonTypeInfoResolver? jsonTypeInfoResolver)
        : this(client, ActorJson.CreateOptions(jsonTypeInfoResolver))
    {
    }

    internal ActorProxyFactory(DaprClient client, JsonSerializerOptions json)
    {
        _client = client;
        _json = json;
    }

    public TActor CreateProxy<TActor>(string actorId, string actorType)
        where TActor : class, IActor
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        ArgumentException.ThrowIfNullOrEmpty(actorType);
        var proxy = DispatchProxy.Create<TActor, ActorProxy>();
        ((ActorProxy)(object)proxy).Initialize(new ActorProxyTarget(_client, _json, actorType, actorId), ActorProxyMethods.For(typeof(TActor), _json));
        return proxy;
    }
}
