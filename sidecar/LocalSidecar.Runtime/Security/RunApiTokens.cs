using System.Security.Cryptography;

namespace LocalSidecar.Security;

/// <summary>The two tokens one app gets for one run (<c>run --generate-api-tokens</c>, as <c>make run</c> does):
/// <c>DAPR_API_TOKEN</c>, which its sidecar requires of every API call, and <c>APP_API_TOKEN</c>, which its sidecar
/// sends on every call into the app. Random (256 bits each), held only in memory and in the two processes' environment;
/// never written to a log.</summary>
public sealed record RunApiTokens(string DaprApiToken, string AppApiToken)
{
    public static RunApiTokens Generate() => new(NewToken(), NewToken());

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Never the values: a record's generated ToString would print them.</summary>
    public override string ToString() => "RunApiTokens { (hidden) }";
}
