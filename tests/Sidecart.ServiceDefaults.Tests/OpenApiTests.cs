using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.TestHost;
using Sidecart.ServiceDefaults.Tests.Support;

namespace Sidecart.ServiceDefaults.Tests;

public sealed class OpenApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record Order(string OrderId, int Quantity, decimal Total);

    public sealed record PlaceOrder(string Sku, int Quantity);

    [Fact]
    public async Task The_openapi_document_lists_the_endpoints_with_operation_ids_and_response_schemas()
    {
        await using var app = await ServiceDefaultsApp.StartAsync(MapOrders);

        using var response = await app.GetTestClient().GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("v1", document["info"]!["version"]!.GetValue<string>());
        var paths = document["paths"]!.AsObject();
        Assert.Equal(["/orders", "/orders/{orderId}"], paths.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(paths, p => p.Key is "/healthz" or "/openapi/v1.json");

        var get = paths["/orders/{orderId}"]!["get"]!;
        Assert.Equal("GetOrder", get["operationId"]!.GetValue<string>());
        Assert.Equal("One order by its id", get["summary"]!.GetValue<string>());
        Assert.Equal("Orders", get["tags"]![0]!.GetValue<string>());
        Assert.Equal(["200", "404"], get["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
        var orderSchema = Resolve(document, get["responses"]!["200"]!["content"]!["application/json"]!["schema"]!);
        Assert.Equal(["orderId", "quantity", "total"], orderSchema["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("string", orderSchema["properties"]!["orderId"]!["type"]!.GetValue<string>());
        Assert.Equal("integer", orderSchema["properties"]!["quantity"]!["type"]!.GetValue<string>());

        var post = paths["/orders"]!["post"]!;
        Assert.Equal("PlaceOrder", post["operationId"]!.GetValue<string>());
        Assert.Equal(["201", "400"], post["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
        var body = Resolve(document, post["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.NotNull(body["properties"]!["sku"]);
        Assert.Same(orderSchema, Resolve(document, post["responses"]!["201"]!["content"]!["application/json"]!["schema"]!));
        Assert.All(References(document), reference => Resolve(document, new JsonObject { ["$ref"] = reference }));
    }

    [Fact]
    public async Task Middleware_the_app_adds_after_MapDefaultEndpoints_guards_the_document_as_any_endpoint()
    {
        await using var app = await ServiceDefaultsApp.StartAsync(app =>
        {
            // What the app API token middleware does: everything but the health probe needs the token.
            app.Use((context, next) => context.Request.Path.StartsWithSegments("/healthz") || context.Request.Headers.ContainsKey("dapr-api-token")
                ? next(context)
                : Results.Unauthorized().ExecuteAsync(context));
            MapOrders(app);
        });
        var client = app.GetTestClient();

        using var anonymous = await client.GetAsync("/openapi/v1.json", Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json") { Headers = { { "dapr-api-token", "t" } } };
        using var withToken = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
    }

    [Fact]
    public async Task Swagger_ui_is_served_at_swagger_and_shows_the_openapi_document()
    {
        await using var app = await ServiceDefaultsApp.StartAsync(MapOrders);
        var client = app.GetTestClient();

        using var redirect = await client.GetAsync("/swagger", Ct);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        var location = redirect.Headers.Location!.OriginalString;
        Assert.StartsWith("/swagger/index.html", location, StringComparison.Ordinal);

        using var page = await client.GetAsync(location, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("SwaggerUIBundle", html, StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", html, StringComparison.Ordinal);
        using var script = await client.GetAsync("/swagger/swagger-ui-bundle.js", Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    private static void MapOrders(WebApplication app)
    {
        var orders = app.MapGroup("/orders").WithTags("Orders");
        orders.MapGet("/{orderId}", Results<Ok<Order>, NotFound> (string orderId) =>
                orderId == "o-1" ? TypedResults.Ok(new Order(orderId, 2, 39.5m)) : TypedResults.NotFound())
            .WithName("GetOrder")
            .WithSummary("One order by its id");
        orders.MapPost("/", Results<Created<Order>, ValidationProblem> (PlaceOrder order) =>
                TypedResults.Created($"/orders/o-1", new Order("o-1", order.Quantity, 39.5m * order.Quantity)))
            .WithName("PlaceOrder");
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "$ref" ? [p.Value!.GetValue<string>()] : References(p.Value)),
        JsonArray a => a.SelectMany(References),
        _ => [],
    };

    private static JsonNode Resolve(JsonNode document, JsonNode schema)
    {
        var reference = schema["$ref"]?.GetValue<string>() ?? schema["allOf"]?[0]?["$ref"]?.GetValue<string>();
        if (reference is null)
        {
            return schema;
        }

        Assert.StartsWith("#/components/schemas/", reference, StringComparison.Ordinal);
        var resolved = document["components"]!["schemas"]![reference["#/components/schemas/".Length..]];
        Assert.True(resolved is not null, $"{reference} does not resolve");
        return resolved;
    }
}
