using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LocalSidecar.Api;

/// <summary>JSON bodies the API builds as nodes, written with the generated serializer (no reflection).</summary>
internal static class JsonResults
{
    public static IResult Node(JsonNode node, int? statusCode = null) =>
        Results.Json(node, SidecarJsonContext.Default.JsonNode, statusCode: statusCode);
}
