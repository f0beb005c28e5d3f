namespace Sidecart.ServiceDefaults.Security;

public sealed class AppApiTokenOptions
{
    /// <summary>The expected <c>dapr-api-token</c>; defaults to the app's <c>APP_API_TOKEN</c>. Empty disables the check.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// Paths (and their sub-paths) served without a token. The sidecar's app health probe carries no token,
    /// so <c>/healthz</c> is always exempt.
    /// </summary>
    public IList<string> ExemptPaths { get; } = ["/healthz"];
}
