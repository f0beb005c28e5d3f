namespace LocalSidecar.Security;

/// <summary>A Dapr workload identity, <c>spiffe://&lt;trust domain&gt;/ns/&lt;namespace&gt;/&lt;app id&gt;</c>, as Sentry
/// writes it into the single URI SAN of a workload certificate.</summary>
public sealed record SpiffeId(string TrustDomain, string Namespace, string AppId)
{
    /// <summary>The trust domain self-hosted Sentry (its <c>insecure</c> validator) stamps on every app certificate.</summary>
    public const string PublicTrustDomain = "public";

    public const string DefaultNamespace = "default";

    /// <summary>The identity's path, <c>/ns/&lt;namespace&gt;/&lt;app id&gt;</c>: what a caller checks on the callee.</summary>
    public string Path => $"/ns/{Namespace}/{AppId}";

    public override string ToString() => $"spiffe://{TrustDomain}{Path}";

    /// <summary>Parses as Dapr does: a SPIFFE id (lowercase trust domain, no port, query or fragment) whose path starts
    /// with <c>/ns/&lt;namespace&gt;/&lt;app id&gt;</c>; further segments are tolerated.</summary>
    public static bool TryParse(string? text, out SpiffeId id, out string error)
    {
        id = new SpiffeId("", "", "");
        const string scheme = "spiffe://";
        if (text is null || !text.StartsWith(scheme, StringComparison.Ordinal))
        {
            error = $"invalid SPIFFE ID '{text}': scheme is missing or invalid";
            return false;
        }

        var rest = text[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var trustDomain = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[slash..];
        if (trustDomain.Length == 0 || !trustDomain.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_'))
        {
            error = $"invalid SPIFFE ID '{text}': trust domain is missing or has characters other than lowercase letters, digits, '.', '-' and '_'";
            return false;
        }

        var segments = path.Split('/');
        if (segments.Skip(1).Any(s => s.Length == 0 || s is "." or ".." || !s.All(IsPathCharacter)))
        {
            error = $"invalid SPIFFE ID '{text}': path segments must be non-empty letters, digits, '.', '-' or '_'";
            return false;
        }

        if (segments.Length < 4 || segments[1] != "ns")
        {
            error = $"invalid SPIFFE ID '{text}': the path is not /ns/<namespace>/<app id>";
            return false;
        }

        id = new SpiffeId(trustDomain, segments[2], segments[3]);
        error = "";
        return true;
    }

    private static bool IsPathCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_';
}
