namespace LocalSidecar.Actors;

/// <summary>What the caller of an actor method gets for the app's answer to <c>PUT /actors/{type}/{id}/method/...</c>.</summary>
/// <remarks>
/// daprd looks at the status before anything else (dapr/dapr pkg/actors/targets/app/app.go, <c>invokeMethod</c>; since
/// 1.18 pkg/actors/targets/app/transport/http/http.go): 404 becomes "actor method not found", any other status but 200
/// becomes "error from actor service: (status) body", both 500 <c>ERR_ACTOR_INVOKE_METHOD</c> without the app's headers.
/// Only a 200 answer is relayed, and then whole: status, headers and body. A 200 carrying
/// <c>X-DaprErrorResponseHeader</c> is an actor error that daprd relays the same way, as 200 (pkg/api/http/actors.go
/// <c>onDirectActorMessage</c> writes the app's status; tests/integration/suite/actors/call/errorheader.go expects 200):
/// the .NET actor client only reads the header from a successful answer.
/// </remarks>
public static class ActorMethodAnswer
{
    public static ActorResponse ForCaller(ActorCall call, ActorResponse answer) => answer.Status switch
    {
        200 => answer,
        404 => ActorResponse.Error(500, "ERR_ACTOR_INVOKE_METHOD",
            $"error invoke actor method: actor method not found: actors/{call.Actor.Type}/{call.Actor.Id}/method/{Uri.UnescapeDataString(call.Method)}"),
        _ => ActorResponse.Error(500, "ERR_ACTOR_INVOKE_METHOD",
            $"error invoke actor method: error from actor service: ({answer.Status}) {System.Text.Encoding.UTF8.GetString(answer.Body)}"),
    };
}
