namespace LocalSidecar.Invocation;

/// <summary>The <c>{appId}</c> of an invocation: <c>myapp</c> or <c>myapp.namespace</c>. Self-hosted there is one
/// namespace, so only the app id part is used to resolve instances.</summary>
public sealed record InvocationTarget(string AppId, string? Namespace)
{
    /// <summary>Parses the raw id; on failure <paramref name="error"/> is the detail Dapr reports.</summary>
    public static bool TryParse(string raw, out InvocationTarget target, out string error)
    {
        target = new InvocationTarget(raw, null);
        if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            error = "invoking a non-Dapr endpoint by URL is not supported by the local sidecar";
            return false;
        }

        var parts = raw.Split('.');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0))
        {
            error = "invalid app id";
            return false;
        }

        target = new InvocationTarget(parts[0], parts.Length == 2 ? parts[1] : null);
        error = "";
        return true;
    }
}
