using System.Text.Json.Serialization.Metadata;
using Sidecart.Dapr.Serialization;

namespace Sidecart.Dapr;

// Actor client calls: /v1.0/actors/{type}/{id}/... (https://docs.dapr.io/reference/api/actors_api/). Hosting actors is not part of this client.
public sealed partial class DaprClient
{
    /// <summary>Marks an actor method answer as the actor's error rather than its result.</summary>
    public const string ActorErrorResponseHeader = "X-DaprErrorResponseHeader";

    public async Task InvokeActorMethodAsync(string actorType, string actorId, string method, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Post, ActorMethodPath(actorType, actorId, method));
        using var response = await SendActorMethodAsync(request, cancellationToken);
    }

    public async Task InvokeActorMethodAsync<TRequest>(
        string actorType, string actorId, string method, TRequest body, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Post, ActorMethodPath(actorType, actorId, method), content: JsonBody(body, requestType));
        using var response = await SendActorMethodAsync(request, cancellationToken);
    }

    public async Task<TResponse?> InvokeActorMethodAsync<TResponse>(
        string actorType, string actorId, string method, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Post, ActorMethodPath(actorType, actorId, method));
        using var response = await SendActorMethodAsync(request, cancellationToken);
        return await ReadJsonAsync(response, responseType, cancellationToken);
    }

    public async Task<TResponse?> InvokeActorMethodAsync<TRequest, TResponse>(
        string actorType,
        string actorId,
        string method,
        TRequest body,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Post, ActorMethodPath(actorType, actorId, method), content: JsonBody(body, requestType));
        using var response = await SendActorMethodAsync(request, cancellationToken);
        return await ReadJsonAsync(response, responseType, cancellationToken);
    }

    /// <summary>Reads one actor state key; default when it does not exist (204).</summary>
    public async Task<T?> GetActorStateAsync<T>(string actorType, string actorId, string key, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Get, $"{ActorPath(actorType, actorId)}/state/{Escape(key)}");
        using var response = await SendCheckedAsync(request, cancellationToken);
        return await ReadJsonAsync(response, typeInfo, cancellationToken);
    }

    /// <summary>
    /// Writes actor state atomically. daprd accepts this only for an actor active on this sidecar
    /// (otherwise 400 <c>ERR_ACTOR_INSTANCE_MISSING</c>), i.e. from inside one of the actor's own calls.
    /// </summary>
    public Task ExecuteActorStateTransactionAsync(
        string actorType, string actorId, IEnumerable<ActorStateOperation> operations, CancellationToken cancellationToken = default)
    {
        var wire = operations.Select(o => new TransactionOperationWire(
            OperationName(o.Operation),
            new StateItemWire(o.Key, o.Value, null, o.Metadata, null))).ToList();
        var request = CreateRequest(HttpMethod.Post, $"{ActorPath(actorType, actorId)}/state", content: JsonBody(wire, DaprWireJsonContext.Default.ListTransactionOperationWire));
        return SendAndForgetAsync(request, cancellationToken);
    }

    public Task RegisterActorReminderAsync(string actorType, string actorId, string reminderName, ActorReminder reminder, CancellationToken cancellationToken = default)
    {
        var wire = new ReminderWire(reminder.DueTime, reminder.Period, reminder.Ttl, reminder.Data);
        var request = CreateRequest(HttpMethod.Post, $"{ActorPath(actorType, actorId)}/reminders/{Escape(reminderName)}", content: JsonBody(wire, DaprWireJsonContext.Default.ReminderWire));
        return SendAndForgetAsync(request, cancellationToken);
    }

    public Task UnregisterActorReminderAsync(string actorType, string actorId, string reminderName, CancellationToken cancellationToken = default) =>
        SendAndForgetAsync(CreateRequest(HttpMethod.Delete, $"{ActorPath(actorType, actorId)}/reminders/{Escape(reminderName)}"), cancellationToken);

    public Task RegisterActorTimerAsync(string actorType, string actorId, string timerName, ActorTimer timer, CancellationToken cancellationToken = default)
    {
        var wire = new TimerWire(timer.DueTime, timer.Period, timer.Ttl, timer.Callback, timer.Data);
        var request = CreateRequest(HttpMethod.Post, $"{ActorPath(actorType, actorId)}/timers/{Escape(timerName)}", content: JsonBody(wire, DaprWireJsonContext.Default.TimerWire));
        return SendAndForgetAsync(request, cancellationToken);
    }

    public Task UnregisterActorTimerAsync(string actorType, string actorId, string timerName, CancellationToken cancellationToken = default) =>
        SendAndForgetAsync(CreateRequest(HttpMethod.Delete, $"{ActorPath(actorType, actorId)}/timers/{Escape(timerName)}"), cancellationToken);

    /// <summary>
    /// Sends an actor method call. Besides the sidecar's own errors, an answer carrying
    /// <see cref="ActorErrorResponseHeader"/> is the actor's error: daprd relays it with the app's status, which is 200
    /// (dapr/dapr pkg/api/http/actors.go), so it is thrown as a <see cref="DaprApiException"/> with that status and
    /// the actor host's body.
    /// </summary>
    private async Task<HttpResponseMessage> SendActorMethodAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await SendCheckedAsync(request, cancellationToken);
        if (!response.Headers.Contains(ActorErrorResponseHeader))
        {
            return response;
        }

        using (response)
        {
            var (errorCode, message, body) = await ReadErrorAsync(response, cancellationToken);
            throw new DaprApiException(response.StatusCode, errorCode, errorCode is null ? $"The actor answered with an error: {body}" : message, body);
        }
    }

    private static string ActorPath(string actorType, string actorId) => $"v1.0/actors/{Escape(actorType)}/{Escape(actorId)}";

    private static string ActorMethodPath(string actorType, string actorId, string method) => $"{ActorPath(actorType, actorId)}/method/{Escape(method)}";
}
