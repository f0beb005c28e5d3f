namespace Sidecart.Dapr.Actors;

/// <summary>
/// The <c>errorCode</c> of an actor error answer. The host answers a failed call with that status, header
/// <c>X-DaprErrorResponseHeader: true</c> (so daprd relays status and body to the caller unchanged instead of
/// wrapping them in a 500 <c>ERR_ACTOR_INVOKE_METHOD</c>) and body
/// <c>{"errorCode","message","actorType","actorId","method","exceptionType"}</c>.
/// </summary>
public static class ActorErrorCodes
{
    /// <summary>404: this app does not host the actor type.</summary>
    public const string ActorTypeNotHosted = "ERR_ACTOR_TYPE_NOT_HOSTED";

    /// <summary>404: the actor has no such method, timer callback, or does not implement <see cref="IRemindable"/>.</summary>
    public const string MethodNotFound = "ERR_ACTOR_METHOD_NOT_FOUND";

    /// <summary>400: the body is not the JSON the method takes.</summary>
    public const string BadRequest = "ERR_ACTOR_METHOD_BAD_REQUEST";

    /// <summary>500: the method threw; <c>message</c> is the exception's message, <c>exceptionType</c> its type.</summary>
    public const string MethodFailed = "ERR_ACTOR_METHOD_FAILED";

    internal const string ErrorResponseHeader = "X-DaprErrorResponseHeader";

    internal const string ReminderCancelHeader = "X-DaprReminderCancel";
}
