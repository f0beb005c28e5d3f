using System.Text.Json.Nodes;
using LocalSidecar.Components.Secrets;
using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalSidecar.Api;

/// <summary><c>GET /v1.0/secrets/{store}/{name}</c> and <c>GET /v1.0/secrets/{store}/bulk</c>.</summary>
public static class SecretsApi
{
    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/secrets/{store}/bulk", async (string store, HttpRequest request, SidecarContext context) =>
        {
            if (Find(context, store, out var secretStore) is { } error)
            {
                return error;
            }

            try
            {
                var all = await secretStore.BulkGetAsync(DaprError.QueryMetadata(request), request.HttpContext.RequestAborted);
                var body = new JsonObject();
                foreach (var (name, values) in all.Where(s => context.Configuration.AllowsSecret(store, s.Key)))
                {
                    body[name] = ToJson(values);
                }

                return Results.Json(body);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return DaprError.Create(500, "ERR_SECRET_GET", $"failed getting secrets from secret store {store}: {e.Message}");
            }
        });

        routes.MapGet("/v1.0/secrets/{store}/{name}", async (string store, string name, HttpRequest request, SidecarContext context) =>
        {
            if (Find(context, store, out var secretStore) is { } error)
            {
                return error;
            }

            if (!context.Configuration.AllowsSecret(store, name))
            {
                return DaprError.Create(403, "ERR_PERMISSION_DENIED", $"access denied by policy to get \"{name}\" from \"{store}\"");
            }

            try
            {
                var values = await secretStore.GetAsync(name, DaprError.QueryMetadata(request), request.HttpContext.RequestAborted);
                return values.Count == 0 ? Results.NoContent() : Results.Json(ToJson(values));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return DaprError.Create(500, "ERR_SECRET_GET", $"failed getting secret with key {name} from secret store {store}: {e.Message}");
            }
        });
        return routes;
    }

    private static IResult? Find(SidecarContext context, string store, out ISecretStore secretStore)
    {
        if (context.Components.TryGet(store, out secretStore))
        {
            return null;
        }

        return context.Components.OfType<ISecretStore>().Any()
            ? DaprError.Create(401, "ERR_SECRET_STORE_NOT_FOUND", $"failed finding secret store with key {store}")
            : DaprError.Create(500, "ERR_SECRET_STORES_NOT_CONFIGURED", "secret store is not configured");
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> values) =>
        new(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
}
