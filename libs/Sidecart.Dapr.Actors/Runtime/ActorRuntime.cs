using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sidecart.Dapr.Actors.Serialization;
using Sidecart.Dapr.Actors.State;

namespace Sidecart.Dapr.Actors.Runtime;

/// <summary>The app side of Dapr actors: the hosted types, their live activations (created lazily per id, kept until the
/// sidecar deactivates them) and the <c>/dapr/config</c> document announcing them.</summary>
internal sealed class ActorRuntime
{
    private readonly Dictionary<string, ActorTypeInfo> _types = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reentrantTypes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ActorKey, Lazy<ActorActivation>> _activations = new();
    private readonly IServiceProvider _services;

    public ActorRuntime(IOptions<ActorsOptions> options, IServiceProvider services)
    {
        _services = services;
        var settings = options.Value;
        Json = ActorJson.CreateOptions(settings.JsonTypeInfoResolver);
        foreach (var type in settings.ActorTypes)
        {
            _types.Add(type.TypeName, new ActorTypeInfo(type.TypeName, type.ImplementationType, Json));
            if (type.ReentrancyEnabled ?? settings.Reentrancy.Enabled)
            {
                _reentrantTypes.Add(type.TypeName);
            }
        }

        ConfigDocument = JsonSerializer.SerializeToUtf8Bytes(ActorConfigDocument.From(settings), ActorsJsonContext.Default.ActorConfigWire);
    }

    public JsonSerializerOptions Json { get; }

    /// <summary>The answer to <c>GET /dapr/config</c>.</summary>
    public byte[] ConfigDocument { get; }

    public int ActiveCount => _activations.Count;

    public ActorTypeInfo? FindType(string actorType) => _types.GetValueOrDefault(actorType);

    /// <summary>Runs one turn on the actor, activating it first if this is its first call since (re)activation.</summary>
    public async Task<TurnResult<T>> RunTurnAsync<T>(ActorTypeInfo type, string actorId, Func<Actor, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        var key = new ActorKey(type.Name, actorId);
        while (true)
        {
            var activation = GetOrActivate(type, key);
            try
            {
                return await activation.RunTurnAsync(body, cancellationToken);
            }
            catch (StaleActivationException)
            {
                // Deactivated while this call waited for its turn: the next iteration creates a fresh activation.
            }
        }
    }

    /// <summary>Ends the activation after its turn in flight; a no-op when the actor is not active here.</summary>
    public Task DeactivateAsync(string actorType, string actorId)
    {
        var key = new ActorKey(actorType, actorId);
        if (!_activations.TryGetValue(key, out var entry))
        {
            return Task.CompletedTask;
        }

        return entry.Value.DeactivateAsync(() => _activations.TryRemove(KeyValuePair.Create(key, entry)));
    }

    private ActorActivation GetOrActivate(ActorTypeInfo type, ActorKey key)
    {
        var entry = _activations.GetOrAdd(key, k => new Lazy<ActorActivation>(() => Create(type, k.Id)));
        try
        {
            return entry.Value;
        }
        catch
        {
            // A constructor that threw must not stay cached: the next call tries again.
            _activations.TryRemove(KeyValuePair.Create(key, entry));
            throw;
        }
    }

    private ActorActivation Create(ActorTypeInfo type, string actorId)
    {
        var scope = _services.CreateAsyncScope();
        try
        {
            var client = scope.ServiceProvider.GetRequiredService<DaprClient>();
            var actor = (Actor)ActivatorUtilities.CreateInstance(scope.ServiceProvider, type.ImplementationType);
            var context = new ActorContext(
                type.Name,
                actorId,
                new ActorStateManager(new DaprActorStateStore(client, type.Name, actorId), Json),
                new DaprActorScheduler(client, type.Name, actorId),
                Json);
            actor.Attach(context);
            return new ActorActivation(actor, context, serializeTurns: !_reentrantTypes.Contains(type.Name), scope);
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }
}
