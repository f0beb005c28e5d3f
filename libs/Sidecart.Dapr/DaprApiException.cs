using System.Net;

namespace Sidecart.Dapr;

/// <summary>
/// A non-success answer from the sidecar. <see cref="ErrorCode"/> and the message come from Dapr's
/// <c>{"errorCode","message"}</c> body when there is one; <see cref="ResponseBody"/> keeps the raw text.
/// </summary>
public class DaprApiException : Exception
{
    public DaprApiException(HttpStatusCode statusCode, string? errorCode, string message, string? responseBody)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        ResponseBody = responseBody;
    }

    public DaprApiException()
    {
    }

    public DaprApiException(string message)
        : base(message)
    {
    }

    public DaprApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The Dapr error code such as <c>ERR_STATE_SAVE</c>; null when the body was not a Dapr error.</summary>
    public string? ErrorCode { get; }

    public string? ResponseBody { get; }
}
