using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LocalSidecar.Actors;

/// <summary>The complete answer to an actor request, as the caller's sidecar writes it: computed by the owner (locally
/// or behind the sidecar-to-sidecar hop) and relayed unchanged.</summary>
public sealed record ActorResponse(int Status, IReadOnlyList<KeyValuePair<string, string[]>> Headers, byte[] Body)
{
    /// <summary>Marks the internal-hop answer of a sidecar that does not own the actor (its membership view changed,
    /// or it is draining): the caller resolves the owner again and retries.</summary>
    public const string NotOwnerHeader = "x-sidecart-actor-not-owner";

    public static ActorResponse NoContent { get; } = new(StatusCodes.Status204NoContent, [], []);

    public static ActorResponse NotOwner { get; } = new(StatusCodes.Status503ServiceUnavailable, [KeyValuePair.Create(NotOwnerHeader, new[] { "true" })], []);

    public bool IsNotOwner => Headers.Any(h => h.Key.Equals(NotOwnerHeader, StringComparison.OrdinalIgnoreCase));

    public static ActorResponse Error(int status, string errorCode, string message) =>
        Json(status, new JsonObject { ["errorCode"] = errorCode, ["message"] = message });

    public static ActorResponse Json(int status, JsonNode body) =>
        new(status, [JsonContentType], System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()));

    public static KeyValuePair<string, string[]> JsonContentType { get; } = KeyValuePair.Create("Content-Type", new[] { "application/json" });

    /// <summary>Reads a whole upstream response (the app's, or another sidecar's).</summary>
    public static async Task<ActorResponse> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => !HopByHop.Contains(h.Key))
            .Select(h => KeyValuePair.Create(h.Key, h.Value.ToArray()))
            .ToList();
        return new ActorResponse((int)response.StatusCode, headers, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    public async Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = Status;
        foreach (var (name, values) in Headers)
        {
            response.Headers[name] = values;
        }

        if (Body.Length > 0)
        {
            response.ContentLength = Body.Length;
            await response.Body.WriteAsync(Body, cancellationToken);
        }
    }

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Date", "Server",
    };
}
