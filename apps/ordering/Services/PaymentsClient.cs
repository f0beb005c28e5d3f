using System.Net;
using System.Net.Http.Json;

namespace Sidecart.Ordering.Services;

/// <summary>Payments (app id <c>payments</c>) by service invocation: <c>POST /payments/authorize</c> and
/// <c>/payments/refund</c>, through Dapr's <c>InvocationHandler</c> like <see cref="CatalogClient"/>.</summary>
public sealed class PaymentsClient(HttpClient http) : IPayments
{
    public const string AppId = "payments";

    public async Task<PaymentResult> AuthorizeAsync(PaymentAuthorization authorization, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("payments/authorize", authorization, OrderingJsonContext.Default.PaymentAuthorization, cancellationToken);
        ThrowIfUnavailable(response, $"authorize order {authorization.OrderId}");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(OrderingJsonContext.Default.PaymentResult, cancellationToken)
            ?? throw new InvalidOperationException($"Payments answered the authorization of order {authorization.OrderId} with no body.");
    }

    public async Task RefundAsync(string orderId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("payments/refund", new PaymentRefund(orderId), OrderingJsonContext.Default.PaymentRefund, cancellationToken);
        ThrowIfUnavailable(response, $"refund order {orderId}");

        // Payments that never saw the order has nothing to refund.
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Payments answers 503 when its provider is unavailable (outage or open circuit): worth retrying later.</summary>
    private static void ThrowIfUnavailable(HttpResponseMessage response, string what)
    {
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            throw new PaymentsUnavailableException($"Payments could not {what}: the provider is unavailable.");
        }
    }
}
