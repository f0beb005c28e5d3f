using System.Net;
using LocalSidecar.Messaging;

namespace LocalSidecar.Tests;

public sealed class AppResponseTests
{
    [Theory]
    [InlineData(200, "", DeliveryOutcome.Success)]
    [InlineData(204, "", DeliveryOutcome.Success)]
    [InlineData(200, "ok", DeliveryOutcome.Success)]
    [InlineData(200, "[1]", DeliveryOutcome.Success)]
    [InlineData(200, """{"other":1}""", DeliveryOutcome.Success)]
    [InlineData(200, """{"status":""}""", DeliveryOutcome.Success)]
    [InlineData(200, """{"status":"SUCCESS"}""", DeliveryOutcome.Success)]
    [InlineData(200, """{"status":"RETRY"}""", DeliveryOutcome.Retry)]
    [InlineData(200, """{"status":"whatever"}""", DeliveryOutcome.Retry)]
    [InlineData(200, """{"status":"DROP"}""", DeliveryOutcome.Drop)]
    [InlineData(404, "", DeliveryOutcome.NotFound)]
    [InlineData(400, "", DeliveryOutcome.Retry)]
    [InlineData(500, """{"status":"SUCCESS"}""", DeliveryOutcome.Retry)]
    [InlineData(302, "", DeliveryOutcome.Retry)]
    public void Interprets_the_apps_answer(int status, string body, DeliveryOutcome expected)
    {
        Assert.Equal(expected, AppResponse.Interpret((HttpStatusCode)status, body));
    }
}
