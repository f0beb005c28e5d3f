namespace LocalSidecar.Invocation;

/// <summary>The text of a failed sidecar-to-sidecar request: the HTTP client's message followed by its causes (a
/// refused TLS handshake, a reset connection), which its own message leaves out.</summary>
public static class HopFailure
{
    public static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (!parts.Contains(current.Message))
            {
                parts.Add(current.Message);
            }
        }

        return string.Join(": ", parts);
    }
}
