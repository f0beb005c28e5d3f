using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace LocalSidecar.Invocation;

/// <summary>A call to an app's method, whichever API it came by: the HTTP verb, the escaped path and query on the
/// target app, the headers to forward and the body.</summary>
public sealed record InvocationRequest(string Verb, string PathAndQuery, IEnumerable<KeyValuePair<string, StringValues>> Headers, RequestBody Body)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value.ToString() is { Length: > 0 } value ? value : null;

    /// <summary>The incoming HTTP request as it is, its body streamed through.</summary>
    public static InvocationRequest From(HttpRequest request, string pathAndQuery) =>
        new(request.Method, pathAndQuery, request.Headers, RequestBody.Streamed(request));
}
