using Conformance.Sdk.Actors.TestActors;
using Dapr.Actors;
using Dapr.Actors.Client;

namespace Conformance.Sdk.Actors;

/// <summary>Calling actors through <c>ActorProxy</c>: typed (the SDK's remoting serializer) and weakly typed (JSON).</summary>
[Collection(ActorsCollection.Name)]
public sealed class ActorProxyTests(ActorsApp actors)
{
    [Fact]
    public async Task A_typed_proxy_calls_a_method_and_reads_its_result()
    {
        var counter = ActorProxy.Create<ICounterActor>(new ActorId(ActorsApp.NewId("counter")), nameof(CounterActor), actors.ProxyOptions);

        Assert.Equal(2, (await counter.Increment(new CounterIncrement { Amount = 2 })).Total);
        Assert.Equal(7, (await counter.Increment(new CounterIncrement { Amount = 5 })).Total);
    }

    [Fact]
    public async Task A_weakly_typed_proxy_calls_a_method_by_name_with_json()
    {
        var id = new ActorId(ActorsApp.NewId("counter"));
        var counter = ActorProxy.Create(id, nameof(CounterActor), actors.ProxyOptions);

        var first = await counter.InvokeMethodAsync<CounterIncrement, CounterTotal>(nameof(ICounterActor.Increment), new CounterIncrement { Amount = 3 }, TestContext.Current.CancellationToken);
        var typed = ActorProxy.Create<ICounterActor>(id, nameof(CounterActor), actors.ProxyOptions);
        var second = await typed.Increment(new CounterIncrement { Amount = 4 });

        Assert.Equal(3, first.Total);
        Assert.Equal(7, second.Total);
    }
}
