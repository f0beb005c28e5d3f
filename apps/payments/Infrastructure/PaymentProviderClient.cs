using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Sidecart.Payments.Model;

namespace Sidecart.Payments.Infrastructure;

/// <summary>
/// The external payment provider over HTTP, a typed client whose handler retries, times out and breaks the circuit
/// (<see cref="ProviderResilience"/>). Every attempt of one operation carries the same <c>Idempotency-Key</c>, the one
/// stored in the payment record, so the provider answers a retry (or a concurrent duplicate) with the original result
/// instead of charging again.
/// </summary>
public sealed class PaymentProviderClient(
    HttpClient http,
    ProviderApiKey apiKey,
    IOptions<ProviderOptions> options,
    ILogger<PaymentProviderClient> logger)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public Task<ProviderAuthorization> AuthorizeAsync(PaymentRecord payment, CancellationToken cancellationToken) =>
        SendAsync(
            "v1/authorizations",
            payment.IdempotencyKey,
            new ProviderAuthorizationRequest(payment.OrderId, payment.CustomerId, payment.Amount, payment.Currency),
            PaymentsJsonContext.Default.ProviderAuthorizationRequest,
            PaymentsJsonContext.Default.ProviderAuthorization,
            cancellationToken);

    public Task<ProviderRefund> RefundAsync(PaymentRecord payment, CancellationToken cancellationToken) =>
        SendAsync(
            "v1/refunds",
            payment.RefundIdempotencyKey,
            new ProviderRefundRequest(payment.AuthorizationId ?? throw new InvalidOperationException($"Order '{payment.OrderId}' has no authorization to refund.")),
            PaymentsJsonContext.Default.ProviderRefundRequest,
            PaymentsJsonContext.Default.ProviderRefund,
            cancellationToken);

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        string path,
        string idempotencyKey,
        TRequest body,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        var key = await apiKey.GetAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, requestType) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
        using var response = await SendAsync(request, path, cancellationToken);

        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
                ?? throw PaymentProviderException.Refused($"The payment provider answered {path} with an empty body.");
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            apiKey.Forget();
            var secret = options.Value;
            logger.LogError("The payment provider rejected the API key with HTTP {StatusCode} on {Path}: check secret {SecretName} in secret store {SecretStore}",
                (int)response.StatusCode, path, secret.ApiKeySecretName, secret.SecretStore);
            throw PaymentProviderException.CredentialsRejected(
                $"The payment provider rejected the configured API key (HTTP {(int)response.StatusCode}); secret '{secret.ApiKeySecretName}' in store '{secret.SecretStore}' needs a valid key.");
        }

        if (ProviderResilience.IsTransient(response))
        {
            logger.LogError("The payment provider still answers HTTP {StatusCode} on {Path} after {Retries} retries", (int)response.StatusCode, path, options.Value.MaxRetryAttempts);
            throw PaymentProviderException.Unavailable($"The payment provider answered HTTP {(int)response.StatusCode} after {options.Value.MaxRetryAttempts} retries.");
        }

        var problem = await ReadErrorCodeAsync(response, cancellationToken);
        logger.LogError("The payment provider refused {Path} with HTTP {StatusCode} ({ErrorCode})", path, (int)response.StatusCode, problem);
        throw PaymentProviderException.Refused($"The payment provider refused the request with HTTP {(int)response.StatusCode} ({problem}).");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            logger.LogWarning("Payment provider call to {Path} not attempted: the circuit is open", path);
            throw PaymentProviderException.Unavailable("The payment provider failed repeatedly; calls are suspended for a while (circuit open).", e);
        }
        catch (Exception e) when (e is ExecutionRejectedException or HttpRequestException)
        {
            // An attempt or the total timeout (TimeoutRejectedException), a network error, or too many calls at once.
            var settings = options.Value;
            logger.LogError("The payment provider did not answer {Path} with up to {Retries} retries within {TotalTimeout} ({Failure})",
                path, settings.MaxRetryAttempts, settings.TotalTimeout, e.GetType().Name);
            throw PaymentProviderException.Unavailable(
                $"The payment provider did not answer with up to {settings.MaxRetryAttempts} retries within {settings.TotalTimeout.TotalSeconds:0.###} s.", e);
        }
    }

    /// <summary>The provider's error code, if its error body has one; only the code is kept, never the body.</summary>
    private static async Task<string> ReadErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString()! : "no error code";
        }
        catch (JsonException)
        {
            return "no error code";
        }
    }
}
