using System.Reflection;
using System.Text.Json;
using Sidecart.Dapr.Actors.Serialization;

namespace Sidecart.Dapr.Actors.Runtime;

/// <summary>A method callable as a turn: an actor interface method, or a timer callback. It returns <see cref="Task"/>
/// or <see cref="Task{TResult}"/> and takes at most one argument, optionally followed by a <see cref="CancellationToken"/>.</summary>
internal sealed class ActorMethod
{
    private readonly PropertyInfo? _result;

    private ActorMethod(MethodInfo method, Type? parameterType, bool takesCancellationToken)
    {
        Method = method;
        ParameterType = parameterType;
        TakesCancellationToken = takesCancellationToken;
        if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            ResultType = method.ReturnType.GetGenericArguments()[0];
            _result = method.ReturnType.GetProperty(nameof(Task<object>.Result));
        }
    }

    public MethodInfo Method { get; }

    public string Name => Method.Name;

    public Type? ParameterType { get; }

    public bool TakesCancellationToken { get; }

    /// <summary>The T of <see cref="Task{TResult}"/>; null for a plain <see cref="Task"/>.</summary>
    public Type? ResultType { get; }

    /// <summary>Reads <paramref name="method"/>'s shape; throws <see cref="InvalidOperationException"/> naming what is wrong.</summary>
    public static ActorMethod From(MethodInfo method)
    {
        if (method.ReturnType != typeof(Task) && !(method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)))
        {
            throw Invalid(method, "must return Task or Task<T>");
        }

        var parameters = method.GetParameters();
        var takesToken = parameters.Length > 0 && parameters[^1].ParameterType == typeof(CancellationToken);
        var data = takesToken ? parameters[..^1] : parameters;
        if (data.Length > 1)
        {
            throw Invalid(method, "must take at most one argument (and optionally a CancellationToken)");
        }

        if (data.Length == 1 && (data[0].ParameterType.IsByRef || data[0].IsOut))
        {
            throw Invalid(method, "cannot take ref or out parameters");
        }

        if (method.IsGenericMethodDefinition)
        {
            throw Invalid(method, "cannot be generic");
        }

        return new ActorMethod(method, data.Length == 1 ? data[0].ParameterType : null, takesToken);
    }

    /// <summary>The methods of every interface deriving from <see cref="IActor"/> that <paramref name="type"/> is or
    /// implements, by name; names must be unique.</summary>
    public static IReadOnlyDictionary<string, ActorMethod> InterfaceMethods(Type type)
    {
        var interfaces = type.GetInterfaces().Append(type).Where(i => i.IsInterface && i != typeof(IActor) && typeof(IActor).IsAssignableFrom(i)).Distinct();
        var methods = new Dictionary<string, ActorMethod>(StringComparer.Ordinal);
        foreach (var method in interfaces.SelectMany(i => i.GetMethods()))
        {
            if (!methods.TryAdd(method.Name, From(method)))
            {
                throw Invalid(method, "is overloaded: actor methods are called by name, so each name must be unique");
            }
        }

        return methods;
    }

    /// <summary>Calls the method on <paramref name="target"/> and returns its result (null for a plain Task).</summary>
    public async Task<object?> InvokeAsync(object target, object? argument, CancellationToken cancellationToken)
    {
        object?[] arguments = (ParameterType is null, TakesCancellationToken) switch
        {
            (true, false) => [],
            (true, true) => [cancellationToken],
            (false, false) => [argument],
            (false, true) => [argument, cancellationToken],
        };
        var task = (Task)Method.Invoke(target, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null)!;
        await task;
        return _result?.GetValue(task);
    }

    /// <summary>Reads the argument from a JSON body; null when the method takes none.</summary>
    public object? ReadArgument(ReadOnlySpan<byte> body, JsonSerializerOptions json)
    {
        if (ParameterType is null)
        {
            return null;
        }

        if (body.IsEmpty)
        {
            throw new JsonException($"{Name} expects a JSON {ParameterType.Name} as the request body.");
        }

        return JsonSerializer.Deserialize(body, ActorJson.TypeInfo(json, ParameterType));
    }

    /// <summary>Throws at registration when a parameter or result type is missing from the JSON resolver.</summary>
    public void EnsureSerializable(JsonSerializerOptions json)
    {
        foreach (var type in new[] { ParameterType, ResultType }.OfType<Type>())
        {
            ActorJson.TypeInfo(json, type);
        }
    }

    private static InvalidOperationException Invalid(MethodInfo method, string problem) =>
        new($"Actor method {method.DeclaringType?.Name}.{method.Name} {problem}.");
}
