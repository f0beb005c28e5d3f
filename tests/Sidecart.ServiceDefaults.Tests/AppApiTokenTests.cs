using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Sidecart.ServiceDefaults.Tests;

public sealed class AppApiTokenTests
{
    private static async Task<WebApplication> StartAsync(string? token, bool withProblemDetails = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["APP_API_TOKEN"] = token;
        if (withProblemDetails)
        {
            builder.Services.AddProblemDetails();
        }

        var app = builder.Build();
        app.UseAppApiToken();
        app.MapGet("/orders", () => "orders");
        app.MapGet("/healthz", () => "Healthy");
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_request_without_the_token_is_rejected_with_401_problem_details(bool withProblemDetails)
    {
        await using var app = await StartAsync("app-secret", withProblemDetails);

        using var response = await app.GetTestClient().GetAsync("/orders", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(401, problem["status"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("app-secret2")]
    [InlineData("")]
    public async Task A_request_with_another_token_is_rejected(string presented)
    {
        await using var app = await StartAsync("app-secret");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders");
        request.Headers.Add("dapr-api-token", presented);

        using var response = await app.GetTestClient().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_request_with_the_token_passes()
    {
        await using var app = await StartAsync("app-secret");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders");
        request.Headers.Add("dapr-api-token", "app-secret");

        using var response = await app.GetTestClient().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("orders", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_health_probe_needs_no_token()
    {
        await using var app = await StartAsync("app-secret");

        using var response = await app.GetTestClient().GetAsync("/healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_app_api_token_nothing_is_checked()
    {
        await using var app = await StartAsync(token: null);

        using var response = await app.GetTestClient().GetAsync("/orders", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
