using System.Net;
using Sidecart.Dapr.Tests.Support;

namespace Sidecart.Dapr.Tests.Client;

public sealed class InvocationTests : FakeSidecarTest
{
    [Fact]
    public async Task Invoke_with_body_sends_the_verb_path_query_and_json_and_reads_the_typed_answer()
    {
        Sidecar.Respond = _ => SidecarResponse.Json("""{"id":"o1","total":12.5}""");

        var order = await Dapr.InvokeMethodAsync(
            HttpMethod.Put, "catalog", "/api/items/a b?currency=EUR", new PriceQuery("sku-1"),
            TestJsonContext.Default.PriceQuery, TestJsonContext.Default.Order, Ct);

        Assert.Equal(new Order("o1", 12.5m), order);
        var request = Sidecar.SingleRequest;
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/v1.0/invoke/catalog/method/api/items/a%20b", request.Path);
        Assert.Equal("?currency=EUR", request.Query);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("""{"sku":"sku-1"}""", request.Body);
    }

    [Fact]
    public async Task Invoke_answered_with_no_content_returns_default()
    {
        var order = await Dapr.InvokeMethodAsync(HttpMethod.Get, "catalog", "items/1", TestJsonContext.Default.Order, Ct);

        Assert.Null(order);
        Assert.Equal("GET", Sidecar.SingleRequest.Method);
        Assert.Equal(string.Empty, Sidecar.SingleRequest.Body);
    }

    [Fact]
    public async Task A_non_success_answer_of_the_target_surfaces_with_its_status_and_body()
    {
        Sidecar.Respond = _ => new SidecarResponse(404, """{"title":"Not Found"}""", "application/problem+json");

        var error = await Assert.ThrowsAsync<DaprInvocationException>(() =>
            Dapr.InvokeMethodAsync(HttpMethod.Post, "catalog", "items", new PriceQuery("x"), TestJsonContext.Default.PriceQuery, Ct));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Null(error.ErrorCode);
        Assert.Equal("""{"title":"Not Found"}""", error.ResponseBody);
        Assert.Equal("catalog", error.AppId);
        Assert.Equal("items", error.MethodPath);
    }

    [Fact]
    public async Task A_sidecar_invocation_failure_carries_the_dapr_error_code()
    {
        Sidecar.Respond = _ => SidecarResponse.Error(500, "ERR_DIRECT_INVOKE", "failed to invoke, id: catalog, err: connection refused");

        var error = await Assert.ThrowsAsync<DaprInvocationException>(() => Dapr.InvokeMethodAsync(HttpMethod.Post, "catalog", "items", Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("ERR_DIRECT_INVOKE", error.ErrorCode);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_raw_form_returns_any_response_without_throwing()
    {
        Sidecar.Respond = _ => new SidecarResponse(418, "teapot", "text/plain");
        using var request = Dapr.CreateInvokeMethodRequest(HttpMethod.Delete, "orders", "orders/7");
        request.Headers.Add("Idempotency-Key", "k-1");

        using var response = await Dapr.InvokeMethodWithResponseAsync(request, Ct);

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("teapot", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("/v1.0/invoke/orders/method/orders/7", Sidecar.SingleRequest.Path);
        Assert.Equal("k-1", Sidecar.SingleRequest.Header("Idempotency-Key"));
    }
}
