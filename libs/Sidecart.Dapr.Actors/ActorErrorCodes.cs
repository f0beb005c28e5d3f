namespace Sidecart.Dapr.Actors;

/// <summary>
/// The <c>errorCode</c> of an actor error answer, with body <c>{"errorCode","message","actorType","actorId","method","exceptionType"}</c>.
/// The host answers a failed method call 200 with header <c>X-DaprErrorResponseHeader: true</c>, which daprd relays to
/// the caller unchanged (any other status it would turn into 500 <c>ERR_ACTOR_INVOKE_METHOD</c> and drop the body's
/// details); a failed reminder or timer callback is answered with the status named below.
/// </summary>
public static class ActorErrorCodes
{
    /// <summary>This app does not host the actor type (404 on a callback).</summary>
    public const string ActorTypeNotHosted = "ERR_ACTOR_TYPE_NOT_HOSTED";

    /// <summary>The actor has no such method, timer callback, or does not implement <see cref="IRemindable"/> (404 on a callback).</summary>
    public const string MethodNotFound = "ERR_ACTOR_METHOD_NOT_FOUND";

    /// <summary>The body is not the JSON the method takes (400 on a callback).</summary>
    public const string BadRequest = "ERR_ACTOR_METHOD_BAD_REQUEST";

    /// <summary>The method threw; <c>message</c> is the exception's message, <c>exceptionType</c> its type (500 on a callback).</summary>
    public const string MethodFailed = "ERR_ACTOR_METHOD_FAILED";

    internal const string ErrorResponseHeader = DaprClient.ActorErrorResponseHeader;

    internal const string ReminderCancelHeader = "X-DaprReminderCancel";
}
