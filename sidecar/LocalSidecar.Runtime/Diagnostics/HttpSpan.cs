using System.Diagnostics;

namespace LocalSidecar.Diagnostics;

/// <summary>The name, kind and attributes daprd gives the span of an HTTP API request (by its cleaned path), and the
/// endpoint name its API log uses when URLs are obfuscated.</summary>
public sealed record HttpSpan(string Name, ActivityKind Kind, IReadOnlyList<KeyValuePair<string, string>> Attributes, string EndpointName)
{
    /// <summary>A request on the public HTTP API; null for health checks, which daprd never traces.</summary>
    public static HttpSpan? ForApi(string method, string path, string? appIdHeader)
    {
        if (path.Contains("/healthz", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = path.TrimStart('/').Split('/');
        var statement = $"{method} {path}";
        List<KeyValuePair<string, string>> attributes = [];
        switch (parts)
        {
            case ["v1.0", "invoke", var target, "method", .. var rest]:
                return Invocation(target, string.Join('/', rest));
            case ["v1.0", "state", var store, ..]:
                Database(attributes, "state", store, statement);
                return new HttpSpan(path, ActivityKind.Client, attributes, StateEndpoint(method, parts));
            case ["v1.0", "secrets", var store, ..]:
                Database(attributes, "secrets", store, statement);
                return new HttpSpan(path, ActivityKind.Client, attributes, parts is [_, _, _, "bulk"] ? "GetBulkSecret" : "GetSecret");
            case ["v1.0", "publish", _, .. var topic]:
                return Publish(path, string.Join('/', topic), "PublishEvent");
            case ["v1.0-alpha1", "publish", "bulk", _, .. var bulkTopic]:
                return Publish(path, string.Join('/', bulkTopic), "BulkPublishEvent");
            case ["v1.0", "actors", var type, var id, "method", .. var method2]:
                attributes.Add(new("dapr.actor", $"{type}.{id}"));
                attributes.Add(new("rpc.service", "ServiceInvocation"));
                attributes.Add(new("net.peer.name", $"{type}.{id}"));
                return new HttpSpan($"CallActor/{type}/{string.Join('/', method2)}", ActivityKind.Client, attributes, $"InvokeActor/{type}");
            case ["v1.0", "actors", var type, var id, "reminders" or "timers", _]:
                attributes.Add(new("dapr.actor", $"{type}.{id}"));
                var timer = parts[4] == "timers";
                var verb = method switch { "GET" => "Get", "DELETE" => "Unregister", _ => "Register" };
                var name = $"{verb}Actor{(timer ? "Timer" : "Reminder")}";
                return new HttpSpan($"{name}/{type}", ActivityKind.Client, attributes, name);
            case ["v1.0", "actors", var type, var id, "state", ..]:
                Database(attributes, "state", "actor", statement);
                attributes.Add(new("dapr.actor", $"{type}.{id}"));
                return new HttpSpan(path, ActivityKind.Client, attributes, method == "GET" ? "GetActorState" : "ExecuteActorStateTransaction");
        }

        if (appIdHeader is { Length: > 0 })
        {
            return Invocation(appIdHeader, path.TrimStart('/'));
        }

        return new HttpSpan(path, ActivityKind.Client, attributes, EndpointByPrefix(parts));
    }

    /// <summary>A call another sidecar sent to this one: the server half of daprd's <c>CallLocal</c> or <c>CallActor</c>.</summary>
    public static HttpSpan? ForInternal(string ownAppId, string path)
    {
        var parts = path.TrimStart('/').Split('/');
        switch (parts)
        {
            case [_, "invoke", .. var method]:
                var name = string.Join('/', method);
                return new HttpSpan($"CallLocal/{ownAppId}/{name}", ActivityKind.Server,
                    [new("rpc.service", "ServiceInvocation"), new("dapr.invoke_method", name)], "CallLocal");
            case [_, "actors", var type, var id, "method", .. var actorMethod]:
                return new HttpSpan($"CallActor/{type}/{string.Join('/', actorMethod)}", ActivityKind.Server,
                    [new("dapr.actor", $"{type}.{id}"), new("rpc.service", "ServiceInvocation")], "CallActor");
            default:
                return null;
        }
    }

    private static HttpSpan Publish(string path, string topic, string endpoint) =>
        new(path, ActivityKind.Client, [new("messaging.system", "pubsub"), new("messaging.destination.name", topic)], endpoint);

    private static HttpSpan Invocation(string target, string method) =>
        new($"CallLocal/{target}/{method}", ActivityKind.Client,
            [new("rpc.service", "ServiceInvocation"), new("net.peer.name", target)], $"InvokeService/{target}");

    private static void Database(List<KeyValuePair<string, string>> attributes, string system, string name, string statement)
    {
        attributes.Add(new("db.system", system));
        attributes.Add(new("db.connection_string", system));
        attributes.Add(new("db.statement", statement));
        attributes.Add(new("db.name", name));
    }

    private static string StateEndpoint(string method, string[] parts) => parts switch
    {
        [_, _, _, "bulk"] => "GetBulkState",
        [_, _, _, "transaction"] => "ExecuteStateTransaction",
        [_, _, _, "query"] => "QueryState",
        [_, _, _] => "SaveState",
        _ => method == "DELETE" ? "DeleteState" : "GetState",
    };

    private static string EndpointByPrefix(string[] parts) => parts switch
    {
        [_, "metadata"] => "GetMetadata",
        [_, "metadata", _] => "PutMetadata",
        [_, "shutdown"] => "Shutdown",
        [_, "workflows", _, _, "start"] => "StartWorkflow",
        [_, "workflows", _, _] => "GetWorkflow",
        [_, "workflows", _, _, var action, ..] => char.ToUpperInvariant(action[0]) + action[1..] + "Workflow",
        _ => "/" + string.Join('/', parts),
    };
}
