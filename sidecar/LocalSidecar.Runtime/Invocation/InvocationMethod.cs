using LocalSidecar.Api.Universal;

namespace LocalSidecar.Invocation;

/// <summary>The method of an invocation normalised once, as daprd does at its invocation edge (dapr/dapr
/// pkg/messaging/method): percent-decoded, refused when it holds <c>#</c>, <c>?</c>, NUL or another control character,
/// then cleaned of <c>.</c> and <c>..</c> segments (never above the root, so an encoded <c>..%2F</c> cannot climb out).
/// What is checked (access control) and what reaches the app are then the same path.</summary>
public static class InvocationMethod
{
    /// <summary>The escaped path and query to send on, from the escaped path and query received.</summary>
    public static string Normalize(string target, string pathAndQuery)
    {
        var queryAt = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var (path, query) = queryAt < 0 ? (pathAndQuery, "") : (pathAndQuery[..queryAt], pathAndQuery[queryAt..]);
        var method = Uri.UnescapeDataString(path).TrimStart('/');
        if (Invalid(method) is { } problem)
        {
            throw DaprErrors.DirectInvoke(target, $"rpc error: code = InvalidArgument desc = invalid method: {problem}").ToException();
        }

        // Each segment escaped in full, so that nothing decoded here (a '%', an encoded '/') is decoded again by the app.
        return string.Join('/', Api.CleanPath.Clean("/" + method).Split('/').Select(Uri.EscapeDataString)) + query;
    }

    private static string? Invalid(string method)
    {
        if (method.IndexOfAny(['#', '?', '\0']) >= 0)
        {
            return $"method contains forbidden character: \"{Quote(method)}\"";
        }

        for (var i = 0; i < method.Length; i++)
        {
            if (method[i] < 0x20 || method[i] == 0x7f)
            {
                return $"method contains control character at position {i}: \"{Quote(method)}\"";
            }
        }

        return null;
    }

    /// <summary>Go's %q of the method, enough for the characters refused above.</summary>
    private static string Quote(string method) => string.Concat(method.Select(c => c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        < ' ' or '\x7f' => $"\\x{(int)c:x2}",
        _ => c.ToString(),
    }));
}
