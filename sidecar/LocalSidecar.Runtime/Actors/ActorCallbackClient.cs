using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LocalSidecar.Invocation;

namespace LocalSidecar.Actors;

/// <summary>The sidecar-to-app calls of the actor runtime (§5.4), sent through the <see cref="AppChannel"/> so that
/// <c>dapr-api-token</c> is added: config discovery, method calls (always PUT), reminder and timer callbacks, and
/// deactivation.</summary>
public sealed class ActorCallbackClient(AppChannel channel, string appId)
{
    /// <summary>The app's actor configuration; <see cref="ActorHostConfig.None"/> when it answers anything but 200.</summary>
    public async Task<ActorHostConfig> GetConfigAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dapr/config");
        request.Headers.TryAddWithoutValidation(InvocationHeaders.AppId, appId);
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await channel.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
        {
            return ActorHostConfig.None;
        }

        return ActorHostConfig.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Sends a method call; the caller owns the response.</summary>
    public Task<HttpResponseMessage> InvokeMethodAsync(ActorCall call, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, MethodPath(call.Actor, call.Method) + call.QueryString)
        {
            Content = new ByteArrayContent(call.Body),
        };
        // The app's span is a child of this sidecar's CallActor span, as daprd hands it over, not of the caller's.
        var span = System.Diagnostics.Activity.Current is { } current && current.Source.Name == Diagnostics.SidecarTracing.ScopeName ? current : null;
        foreach (var (name, values) in call.Headers)
        {
            if (span is not null && name.Equals("traceparent", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values))
            {
                request.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }

        if (span is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", Diagnostics.SidecarTracing.Traceparent(span));
        }

        return channel.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>A reminder (<c>remind/</c>) or timer (<c>timer/</c>) callback; the caller owns the response.</summary>
    public Task<HttpResponseMessage> InvokeScheduledAsync(ActorKey actor, string kind, string name, JsonObject body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, MethodPath(actor, $"{kind}/{Uri.EscapeDataString(name)}"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        return channel.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>Tells the app an actor was deactivated; false when the app did not answer 200.</summary>
    /// <returns>The app's status code (200 when it deactivated the actor).</returns>
    public async Task<int> DeactivateAsync(ActorKey actor, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/actors/{Uri.EscapeDataString(actor.Type)}/{Uri.EscapeDataString(actor.Id)}");
        using var response = await channel.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <param name="method">Already escaped where it must be (it may contain slashes).</param>
    private static string MethodPath(ActorKey actor, string method) =>
        $"/actors/{Uri.EscapeDataString(actor.Type)}/{Uri.EscapeDataString(actor.Id)}/method/{method}";
}

/// <summary>One actor: its type and id.</summary>
public readonly record struct ActorKey(string Type, string Id)
{
    public override string ToString() => $"{Type}/{Id}";
}

/// <summary>A method call on an actor as the app must receive it: the escaped method path, query, the caller's
/// headers (already stripped of hop headers) and the body.</summary>
public sealed record ActorCall(ActorKey Actor, string Method, string QueryString, IReadOnlyList<KeyValuePair<string, string[]>> Headers, byte[] Body);
