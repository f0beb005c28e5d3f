using System.Security.Cryptography;
using System.Text;

namespace LocalSidecar.Security;

/// <summary>The one DAPR_API_TOKEN check behind both front ends (the HTTP middleware and the gRPC interceptor).</summary>
public static class ApiToken
{
    public const string Header = "dapr-api-token";

    public static bool Matches(string? presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented ?? ""), Encoding.UTF8.GetBytes(expected));
}
