using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Sidecart.Dapr.AspNetCore;
using Sidecart.Dapr.Tests.Support;

namespace Sidecart.Dapr.Tests.AspNetCore;

public sealed class TopicResultsTests
{
    [Theory]
    [InlineData("success", """{"status":"SUCCESS"}""")]
    [InlineData("retry", """{"status":"RETRY"}""")]
    [InlineData("drop", """{"status":"DROP"}""")]
    public async Task Each_result_answers_200_with_the_status_json(string outcome, string expectedBody)
    {
        await using var app = await TestApp.StartAsync(app => app.MapPost("/events/{outcome}", (string outcome) => outcome switch
        {
            "success" => TopicResults.Success(),
            "retry" => TopicResults.Retry(),
            _ => TopicResults.Drop(),
        }));

        using var response = await app.GetTestClient().PostAsync($"/events/{outcome}", null, TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expectedBody, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
