using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Sidecart.Dapr.Actors.Runtime;

namespace Sidecart.Dapr.Actors;

/// <summary>The <see cref="DispatchProxy"/> behind <see cref="IActorProxyFactory.CreateProxy{TActor}"/>.</summary>
#pragma warning disable CA1852 // DispatchProxy derives a class from this one at run time.
internal class ActorProxy : DispatchProxy
#pragma warning restore CA1852
{
    private ActorProxyTarget? _target;
    private ActorProxyMethods? _methods;

    internal void Initialize(ActorProxyTarget target, ActorProxyMethods methods)
    {
        _target = target;
        _methods = methods;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var method = _methods!.Find(targetMethod);
        var argument = method.Method.ParameterType is null ? null : args![0];
        var cancellationToken = method.Method.TakesCancellationToken ? (CancellationToken)args![^1]! : CancellationToken.None;
        return method.Complete(_target!.CallAsync(method.Method, argument, cancellationToken));
    }
}

/// <summary>The actor methods of one interface as a proxy calls them, checked and cached per interface.</summary>
internal sealed class ActorProxyMethods
{
    private static readonly ConcurrentDictionary<(Type, JsonSerializerOptions), ActorProxyMethods> Cache = new();
    private static readonly MethodInfo CastMethod = typeof(ActorProxyMethods).GetMethod(nameof(CastAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private readonly Dictionary<MethodInfo, ProxyMethod> _methods;

    private ActorProxyMethods(Type actorInterface, JsonSerializerOptions json)
    {
        if (!actorInterface.IsInterface)
        {
            throw new InvalidOperationException($"{actorInterface} must be an interface deriving from IActor.");
        }

        _methods = ActorMethod.InterfaceMethods(actorInterface).Values.ToDictionary(m => m.Method, m =>
        {
            m.EnsureSerializable(json);
            var complete = m.ResultType is { } resultType
                ? CastMethod.MakeGenericMethod(resultType).CreateDelegate<Func<Task<object?>, Task>>()
                : task => task;
            return new ProxyMethod(m, complete);
        });
    }

    public static ActorProxyMethods For(Type actorInterface, JsonSerializerOptions json) =>
        Cache.GetOrAdd((actorInterface, json), key => new ActorProxyMethods(key.Item1, key.Item2));

    public ProxyMethod Find(MethodInfo method) =>
        _methods.TryGetValue(method, out var found) ? found : throw new NotSupportedException($"{method.Name} is not an actor method.");

    /// <summary>An empty answer (a host in another language may send one) reads as default.</summary>
    private static async Task<T> CastAsync<T>(Task<object?> call) => await call is T value ? value : default!;

    internal sealed record ProxyMethod(ActorMethod Method, Func<Task<object?>, Task> Complete);
}
