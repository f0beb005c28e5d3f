using System.Net;

namespace Sidecart.Dapr;

/// <summary>
/// A service invocation that did not succeed: either the target app answered non-2xx (its status and body
/// are relayed unchanged, so <see cref="DaprApiException.ErrorCode"/> is usually null) or the sidecar failed
/// to reach it (<c>ERR_DIRECT_INVOKE</c>).
/// </summary>
public sealed class DaprInvocationException : DaprApiException
{
    public DaprInvocationException(string appId, string methodPath, HttpStatusCode statusCode, string? errorCode, string message, string? responseBody)
        : base(statusCode, errorCode, message, responseBody)
    {
        AppId = appId;
        MethodPath = methodPath;
    }

    public DaprInvocationException()
    {
        AppId = MethodPath = string.Empty;
    }

    public DaprInvocationException(string message)
        : base(message)
    {
        AppId = MethodPath = string.Empty;
    }

    public DaprInvocationException(string message, Exception innerException)
        : base(message, innerException)
    {
        AppId = MethodPath = string.Empty;
    }

    public string AppId { get; }

    public string MethodPath { get; }
}
