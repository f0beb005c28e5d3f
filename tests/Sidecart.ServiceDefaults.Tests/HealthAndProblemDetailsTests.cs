using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Sidecart.ServiceDefaults.Tests.Support;

namespace Sidecart.ServiceDefaults.Tests;

public sealed class HealthAndProblemDetailsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthz_answers_healthy()
    {
        await using var app = await ServiceDefaultsApp.StartAsync(_ => { });

        using var response = await app.GetTestClient().GetAsync("/healthz", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task An_unhandled_exception_becomes_a_500_problem_details_without_the_exception_text()
    {
        await using var app = await ServiceDefaultsApp.StartAsync(app =>
            app.MapGet("/boom", string () => throw new InvalidOperationException("connection string with password=hunter2")));

        using var response = await app.GetTestClient().GetAsync("/boom", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal(500, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        Assert.NotNull(problem["traceId"]);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_error_response_becomes_problem_details()
    {
        await using var app = await ServiceDefaultsApp.StartAsync(app => app.MapGet("/orders/{id}", (string id) => Results.NotFound()));

        using var missingOrder = await app.GetTestClient().GetAsync("/orders/7", Ct);
        using var unknownRoute = await app.GetTestClient().GetAsync("/nowhere", Ct);

        foreach (var response in new[] { missingOrder, unknownRoute })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(404, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["status"]!.GetValue<int>());
        }
    }
}
