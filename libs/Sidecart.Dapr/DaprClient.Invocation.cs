using System.Text.Json.Serialization.Metadata;

namespace Sidecart.Dapr;

// Service invocation: <VERB> /v1.0/invoke/{appId}/method/{method-path}[?query] (https://docs.dapr.io/reference/api/service_invocation_api/).
public sealed partial class DaprClient
{
    /// <summary>
    /// Builds an invocation request for callers that need full control (headers, streaming bodies); send it
    /// with <see cref="InvokeMethodWithResponseAsync"/>. The method path's segments are escaped; a query string is kept.
    /// </summary>
    public HttpRequestMessage CreateInvokeMethodRequest(HttpMethod method, string appId, string methodPath, HttpContent? content = null) =>
        CreateRequest(method, InvocationPath(appId, methodPath), content: content);

    public HttpRequestMessage CreateInvokeMethodRequest<TRequest>(HttpMethod method, string appId, string methodPath, TRequest body, JsonTypeInfo<TRequest> requestType) =>
        CreateInvokeMethodRequest(method, appId, methodPath, JsonBody(body, requestType));

    /// <summary>Sends an invocation request and returns the target's response as is, whatever its status.</summary>
    public Task<HttpResponseMessage> InvokeMethodWithResponseAsync(HttpRequestMessage request, CancellationToken cancellationToken = default) =>
        SendAsync(request, cancellationToken);

    public async Task InvokeMethodAsync(HttpMethod method, string appId, string methodPath, CancellationToken cancellationToken = default)
    {
        using var request = CreateInvokeMethodRequest(method, appId, methodPath);
        using var response = await InvokeCheckedAsync(request, appId, methodPath, cancellationToken);
    }

    public async Task InvokeMethodAsync<TRequest>(
        HttpMethod method, string appId, string methodPath, TRequest body, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken = default)
    {
        using var request = CreateInvokeMethodRequest(method, appId, methodPath, body, requestType);
        using var response = await InvokeCheckedAsync(request, appId, methodPath, cancellationToken);
    }

    public async Task<TResponse?> InvokeMethodAsync<TResponse>(
        HttpMethod method, string appId, string methodPath, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken = default)
    {
        using var request = CreateInvokeMethodRequest(method, appId, methodPath);
        using var response = await InvokeCheckedAsync(request, appId, methodPath, cancellationToken);
        return await ReadJsonAsync(response, responseType, cancellationToken);
    }

    public async Task<TResponse?> InvokeMethodAsync<TRequest, TResponse>(
        HttpMethod method,
        string appId,
        string methodPath,
        TRequest body,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken = default)
    {
        using var request = CreateInvokeMethodRequest(method, appId, methodPath, body, requestType);
        using var response = await InvokeCheckedAsync(request, appId, methodPath, cancellationToken);
        return await ReadJsonAsync(response, responseType, cancellationToken);
    }

    private async Task<HttpResponseMessage> InvokeCheckedAsync(HttpRequestMessage request, string appId, string methodPath, CancellationToken cancellationToken)
    {
        var response = await SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var (errorCode, message, body) = await ReadErrorAsync(response, cancellationToken);
                throw new DaprInvocationException(appId, methodPath, response.StatusCode, errorCode, $"Invoking {appId}/{methodPath.TrimStart('/')} failed. {message}", body);
            }
        }

        return response;
    }

    private static string InvocationPath(string appId, string methodPath)
    {
        var trimmed = methodPath.TrimStart('/');
        var queryStart = trimmed.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? trimmed : trimmed[..queryStart];
        var query = queryStart < 0 ? string.Empty : trimmed[queryStart..];
        var escapedPath = string.Join('/', path.Split('/').Select(Escape));
        return $"v1.0/invoke/{Escape(appId)}/method/{escapedPath}{query}";
    }
}
