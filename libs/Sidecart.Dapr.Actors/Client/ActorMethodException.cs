using System.Net;

namespace Sidecart.Dapr.Actors;

/// <summary>
/// An actor call that reached the actor's host and failed there: the method threw (<see cref="ActorErrorCodes.MethodFailed"/>,
/// with the exception's type in <see cref="ExceptionType"/> and its message as <see cref="Exception.Message"/>), or the
/// method, type or argument was not accepted (see <see cref="DaprApiException.ErrorCode"/>). State changes of a failed
/// call are never saved. <see cref="DaprApiException.StatusCode"/> is what the sidecar answered: 200, the status daprd
/// relays an actor's error with.
/// </summary>
public sealed class ActorMethodException : DaprApiException
{
    public ActorMethodException(
        HttpStatusCode statusCode, string errorCode, string message, string? responseBody, string actorType, string actorId, string method, string? exceptionType)
        : base(statusCode, errorCode, message, responseBody)
    {
        ActorType = actorType;
        ActorId = actorId;
        Method = method;
        ExceptionType = exceptionType;
    }

    public ActorMethodException()
    {
        ActorType = ActorId = Method = string.Empty;
    }

    public ActorMethodException(string message)
        : base(message)
    {
        ActorType = ActorId = Method = string.Empty;
    }

    public ActorMethodException(string message, Exception innerException)
        : base(message, innerException)
    {
        ActorType = ActorId = Method = string.Empty;
    }

    public string ActorType { get; }

    public string ActorId { get; }

    public string Method { get; }

    /// <summary>The full name of the exception the actor threw, such as <c>System.InvalidOperationException</c>.</summary>
    public string? ExceptionType { get; }
}
