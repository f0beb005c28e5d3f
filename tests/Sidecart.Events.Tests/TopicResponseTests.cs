using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Sidecart.Events.Tests.Support;

namespace Sidecart.Events.Tests;

public sealed class TopicResponseTests
{
    [Theory]
    [InlineData("success", """{"status":"SUCCESS"}""")]
    [InlineData("retry", """{"status":"RETRY"}""")]
    [InlineData("drop", """{"status":"DROP"}""")]
    public async Task Each_response_answers_200_with_the_status_json(string outcome, string expectedBody)
    {
        await using var app = await TestApp.StartAsync(null, app => app.MapPost("/events/{outcome}", (string outcome) => outcome switch
        {
            "success" => TopicResponse.Success(),
            "retry" => TopicResponse.Retry(),
            _ => TopicResponse.Drop(),
        }));

        using var response = await app.GetTestClient().PostAsync($"/events/{outcome}", null, TestContext.Current.CancellationToken);

        Assert.Equal(StatusCodes.Status200OK, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expectedBody, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
