using System.Net;
using Microsoft.AspNetCore.Http;

namespace LocalSidecar.Invocation;

/// <summary>Copies an HTTP exchange across a hop: an invocation into an outgoing message (all headers but
/// hop-by-hop ones and the addressing header) and an upstream response back to the caller unchanged.</summary>
public static class HttpForwarding
{
    private static readonly HashSet<string> RequestHeadersNotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Expect",
        InvocationHeaders.AppId,
    };

    private static readonly HashSet<string> ResponseHeadersNotRelayed = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
        InvocationHeaders.TargetSidecarFailure,
    };

    public static HttpRequestMessage CreateRequest(InvocationRequest source, Uri target)
    {
        var content = source.Body.CreateContent();
        var message = new HttpRequestMessage(new HttpMethod(source.Verb), target)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        foreach (var (name, values) in source.Headers)
        {
            if (RequestHeadersNotForwarded.Contains(name))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        return message;
    }

    /// <summary>Replaces a header's values on the outgoing message.</summary>
    public static void Set(HttpRequestMessage message, string name, string value)
    {
        message.Headers.Remove(name);
        message.Headers.TryAddWithoutValidation(name, value);
    }

    public static async Task RelayAsync(HttpResponseMessage source, HttpResponse target, CancellationToken cancellationToken)
    {
        target.StatusCode = (int)source.StatusCode;
        foreach (var (name, values) in source.Headers)
        {
            if (!ResponseHeadersNotRelayed.Contains(name))
            {
                target.Headers[name] = values.ToArray();
            }
        }

        foreach (var (name, values) in source.Content.Headers)
        {
            target.Headers[name] = values.ToArray();
        }

        await using var body = await source.Content.ReadAsStreamAsync(cancellationToken);
        await body.CopyToAsync(target.Body, cancellationToken);
    }
}
