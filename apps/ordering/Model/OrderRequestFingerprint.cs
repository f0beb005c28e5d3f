using System.Security.Cryptography;
using System.Text.Json;

namespace Sidecart.Ordering.Model;

/// <summary>
/// What an <c>Idempotency-Key</c> was first used for, as a hash of the canonical request: the validated customer id
/// and lines, lines in SKU order (the same order written in another order is the same request). A repeat with the
/// same key and the same fingerprint is a retry; another fingerprint is a different request reusing the key.
/// </summary>
public static class OrderRequestFingerprint
{
    public static string Of(ValidOrderRequest request)
    {
        var canonical = request with { Lines = [.. request.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal)] };
        var json = JsonSerializer.SerializeToUtf8Bytes(canonical, OrderingJsonContext.Default.ValidOrderRequest);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(json));
    }
}
