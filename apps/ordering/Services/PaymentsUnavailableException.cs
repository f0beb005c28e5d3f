namespace Sidecart.Ordering.Services;

/// <summary>Payments answered 503: its provider is unavailable, so nobody knows yet whether the customer can pay.</summary>
public sealed class PaymentsUnavailableException : Exception
{
    public PaymentsUnavailableException()
    {
    }

    public PaymentsUnavailableException(string message)
        : base(message)
    {
    }

    public PaymentsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
