using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace Sidecart.Dapr.Actors.Runtime;

/// <summary>A hosted actor type, checked once at startup: its callable methods by name and, lazily, its timer callbacks.</summary>
internal sealed class ActorTypeInfo
{
    private readonly ConcurrentDictionary<string, ActorMethod?> _timerCallbacks = new(StringComparer.Ordinal);

    public ActorTypeInfo(string name, Type implementationType, JsonSerializerOptions json)
    {
        if (!typeof(Actor).IsAssignableFrom(implementationType) || implementationType.IsAbstract)
        {
            throw new InvalidOperationException($"{implementationType} must be a concrete class deriving from Actor.");
        }

        Name = name;
        ImplementationType = implementationType;
        Json = json;
        Methods = ActorMethod.InterfaceMethods(implementationType);
        foreach (var method in Methods.Values)
        {
            method.EnsureSerializable(json);
        }
    }

    public string Name { get; }

    public Type ImplementationType { get; }

    public JsonSerializerOptions Json { get; }

    public IReadOnlyDictionary<string, ActorMethod> Methods { get; }

    public bool IsRemindable => typeof(IRemindable).IsAssignableFrom(ImplementationType);

    /// <summary>The instance method a timer names as its <c>callback</c> (public or not); null when there is none.</summary>
    public ActorMethod? TimerCallback(string name) => _timerCallbacks.GetOrAdd(name, n =>
    {
        for (var type = ImplementationType; type is not null && type != typeof(Actor); type = type.BaseType)
        {
            var candidates = type.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(m => m.Name == n)
                .ToList();
            if (candidates.Count > 1)
            {
                throw new InvalidOperationException($"Timer callback {type.Name}.{n} is overloaded; timers call a method by name.");
            }

            if (candidates.Count == 1)
            {
                return ActorMethod.From(candidates[0]);
            }
        }

        return null;
    });
}
