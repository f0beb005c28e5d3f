namespace Sidecart.Payments.Infrastructure;

/// <summary>The payment provider could not give an answer: the caller gets <see cref="StatusCode"/> as ProblemDetails
/// and should compensate or try again later. Title and detail never carry credentials.</summary>
public sealed class PaymentProviderException(int statusCode, string title, string detail, Exception? innerException = null)
    : Exception(detail, innerException)
{
    public int StatusCode { get; } = statusCode;

    public string Title { get; } = title;

    public static PaymentProviderException Unavailable(string detail, Exception? innerException = null) =>
        new(StatusCodes.Status503ServiceUnavailable, "Payment provider unavailable", detail, innerException);

    public static PaymentProviderException CredentialsRejected(string detail, Exception? innerException = null) =>
        new(StatusCodes.Status503ServiceUnavailable, "Payment provider credentials rejected", detail, innerException);

    public static PaymentProviderException Refused(string detail) =>
        new(StatusCodes.Status502BadGateway, "Payment provider refused the request", detail);
}
