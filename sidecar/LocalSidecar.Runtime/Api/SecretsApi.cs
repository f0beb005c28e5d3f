using System.Text.Json.Nodes;
using LocalSidecar.Api.Universal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalSidecar.Api;

/// <summary><c>GET /v1.0/secrets/{store}/{name}</c> and <c>GET /v1.0/secrets/{store}/bulk</c>.</summary>
public static class SecretsApi
{
    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder routes)
    {
        var secrets = routes.MapGroup("/v1.0/secrets/{store}").AddEndpointFilter<DaprApiExceptionFilter>();
        secrets.MapGet("/bulk", async (string store, HttpRequest request, SecretOperations operations) =>
        {
            var all = await operations.BulkGetAsync(store, DaprError.QueryMetadata(request), request.HttpContext.RequestAborted);
            return JsonResults.Node(new JsonObject(all.Select(secret => KeyValuePair.Create(secret.Key, (JsonNode?)ToJson(secret.Value)))));
        });

        secrets.MapGet("/{name}", async (string store, string name, HttpRequest request, SecretOperations operations) =>
        {
            var values = await operations.GetAsync(store, name, DaprError.QueryMetadata(request), request.HttpContext.RequestAborted);
            return values.Count == 0 ? Results.NoContent() : JsonResults.Node(ToJson(values));
        });
        return routes;
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> values) =>
        new(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
}
