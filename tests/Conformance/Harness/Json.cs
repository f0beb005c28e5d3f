using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Conformance.Harness;

public static class Json
{
    public static StringContent Body(string json, string contentType = "application/json") =>
        new(json, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty JSON body");

    /// <summary>Reads a Dapr error body and returns its errorCode.</summary>
    public static async Task<string?> ErrorCodeAsync(HttpResponseMessage response) =>
        (await ReadAsync(response))["errorCode"]?.GetValue<string>();
}
