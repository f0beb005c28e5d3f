using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Sidecart.ServiceDefaults.Tests.Support;

namespace Sidecart.ServiceDefaults.Tests;

public sealed class OpenApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_openapi_document_describes_the_apps_endpoints()
    {
        await using var app = await ServiceDefaultsApp.StartAsync(app => app.MapGet("/api/orders/{id}", (int id) => TypedResults.Ok(id)));

        using var response = await app.GetTestClient().GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(document["paths"]!["/api/orders/{id}"]!["get"]);
    }

    [Fact]
    public async Task Swagger_ui_is_served_and_points_at_the_openapi_document()
    {
        await using var app = await ServiceDefaultsApp.StartAsync(_ => { });

        using var page = await app.GetTestClient().GetAsync("/swagger/index.html", Ct);
        var initializer = await app.GetTestClient().GetStringAsync("/swagger/index.js", Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/openapi/v1.json", initializer, StringComparison.Ordinal);
    }
}
