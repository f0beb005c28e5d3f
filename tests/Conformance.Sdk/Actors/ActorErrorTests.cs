using Conformance.Sdk.Actors.TestActors;
using Dapr;
using Dapr.Actors;
using Dapr.Actors.Client;

namespace Conformance.Sdk.Actors;

/// <summary>An actor method that throws, as the caller's SDK reports it. The typed proxy's host answers 200 with
/// <c>X-DaprErrorResponseHeader</c>, which daprd relays (dapr/dapr pkg/actors/targets/app/app.go); a weakly typed
/// call's host answers 500, which daprd turns into 500 <c>ERR_ACTOR_INVOKE_METHOD</c>.</summary>
[Collection(ActorsCollection.Name)]
public sealed class ActorErrorTests(ActorsApp actors)
{
    [Fact]
    public async Task A_typed_proxy_raises_ActorMethodInvocationException_carrying_the_remote_exception()
    {
        var actor = actors.Proxy<IFailingActor>(ActorsApp.NewId("failing"), nameof(FailingActor));

        var error = await Assert.ThrowsAsync<ActorMethodInvocationException>(() => actor.Fail("the actor refused"));

        var remote = Assert.IsType<ActorInvokeException>(error.InnerException);
        Assert.Equal(typeof(InvalidOperationException).FullName, remote.ActualExceptionType);
        Assert.Contains("the actor refused", remote.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_weakly_typed_call_raises_DaprApiException_with_ERR_ACTOR_INVOKE_METHOD()
    {
        var actor = ActorProxy.Create(new ActorId(ActorsApp.NewId("failing")), nameof(FailingActor), actors.ProxyOptions);

        var error = await Assert.ThrowsAsync<DaprApiException>(() => actor.InvokeMethodAsync(nameof(IFailingActor.Fail), "the actor refused", TestContext.Current.CancellationToken));

        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error.ErrorCode);
    }
}
