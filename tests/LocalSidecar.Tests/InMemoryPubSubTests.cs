using System.Collections.Concurrent;
using System.Text;
using LocalSidecar.Components;
using LocalSidecar.Components.PubSub;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;

namespace LocalSidecar.Tests;

public sealed class InMemoryPubSubTests : IAsyncDisposable
{
    private static readonly Dictionary<string, string> NoMetadata = [];

    private readonly SidecarEnvironment _environment = new(new FileNameResolver(Path.Combine(Path.GetTempPath(), "sidecart-unit", Guid.NewGuid().ToString("N"))));
    private readonly List<IAsyncDisposable> _cleanup = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }
    }

    [Fact]
    public async Task Components_of_the_same_name_in_one_environment_share_the_broker()
    {
        var publisher = await ComponentAsync("publisher");
        var subscriber = await ComponentAsync("subscriber");
        var received = new ConcurrentQueue<string>();
        Track(subscriber.Subscribe("orders", NoMetadata, Collect(received)));

        await publisher.PublishAsync("orders", Bytes("m1"), NoMetadata, default);
        await Eventually(() => received.Count == 1);
        Assert.Equal("m1", Assert.Single(received));
    }

    [Fact]
    public async Task Messages_for_a_topic_without_any_group_are_not_kept()
    {
        var component = await ComponentAsync("app");
        await component.PublishAsync("orders", Bytes("lost"), NoMetadata, default);
        var received = new ConcurrentQueue<string>();
        Track(component.Subscribe("orders", NoMetadata, Collect(received)));
        await component.PublishAsync("orders", Bytes("kept"), NoMetadata, default);
        await Eventually(() => received.Count == 1);
        Assert.Equal("kept", Assert.Single(received));
    }

    [Fact]
    public async Task ConsumerID_overrides_the_app_id_as_the_group()
    {
        var first = await ComponentAsync("one", consumerId: "shared");
        var second = await ComponentAsync("two", consumerId: "shared");
        var received = new ConcurrentQueue<string>();
        Track(first.Subscribe("orders", NoMetadata, Collect(received)));
        Track(second.Subscribe("orders", NoMetadata, Collect(received)));
        for (var i = 0; i < 20; i++)
        {
            await first.PublishAsync("orders", Bytes($"m{i}"), NoMetadata, default);
        }

        await Eventually(() => received.Count == 20);
        Assert.Equal(20, received.Distinct().Count());
    }

    [Fact]
    public async Task Delivery_within_a_member_is_serial_and_in_order()
    {
        var component = await ComponentAsync("app");
        var received = new ConcurrentQueue<string>();
        var inFlight = 0;
        var maxInFlight = 0;
        Track(component.Subscribe("orders", NoMetadata, async (message, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            maxInFlight = Math.Max(maxInFlight, now);
            await Task.Yield();
            received.Enqueue(Encoding.UTF8.GetString(message.Data.Span));
            Interlocked.Decrement(ref inFlight);
        }));
        for (var i = 0; i < 30; i++)
        {
            await component.PublishAsync("orders", Bytes($"{i}"), NoMetadata, default);
        }

        await Eventually(() => received.Count == 30);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"{i}"), received);
        Assert.Equal(1, maxInFlight);
    }

    [Fact]
    public async Task A_failing_message_is_redelivered_until_it_succeeds()
    {
        var component = await ComponentAsync("app");
        var attempts = 0;
        var done = new TaskCompletionSource();
        Track(component.Subscribe("orders", NoMetadata, (_, _) =>
        {
            if (Interlocked.Increment(ref attempts) < 3)
            {
                throw new InvalidOperationException("not yet");
            }

            done.TrySetResult();
            return Task.CompletedTask;
        }));
        await component.PublishAsync("orders", Bytes("m"), NoMetadata, default);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_message_failing_ten_times_is_discarded_and_the_next_one_delivered()
    {
        var component = await ComponentAsync("app");
        var poisonAttempts = 0;
        var next = new TaskCompletionSource();
        Track(component.Subscribe("orders", NoMetadata, (message, _) =>
        {
            if (Encoding.UTF8.GetString(message.Data.Span) == "poison")
            {
                Interlocked.Increment(ref poisonAttempts);
                throw new InvalidOperationException("always");
            }

            next.TrySetResult();
            return Task.CompletedTask;
        }));
        await component.PublishAsync("orders", Bytes("poison"), NoMetadata, default);
        await component.PublishAsync("orders", Bytes("next"), NoMetadata, default);
        await next.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(InMemoryConsumerGroup.MaxAttempts, poisonAttempts);
    }

    [Fact]
    public async Task A_message_in_flight_when_a_member_leaves_goes_to_another_member()
    {
        var leaving = await ComponentAsync("app");
        var staying = await ComponentAsync("app");
        var taken = new TaskCompletionSource();
        var leavingMember = leaving.Subscribe("orders", NoMetadata, async (_, ct) =>
        {
            taken.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        await leaving.PublishAsync("orders", Bytes("m"), NoMetadata, default);
        await taken.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var received = new ConcurrentQueue<string>();
        Track(staying.Subscribe("orders", NoMetadata, Collect(received)));
        await leavingMember.DisposeAsync();
        await Eventually(() => received.Count == 1);
        Assert.Equal("m", Assert.Single(received));
    }

    private async Task<InMemoryPubSub> ComponentAsync(string appId, string? consumerId = null)
    {
        var spec = new ComponentSpec("pubsub", "pubsub.in-memory", "v1", [], [], null, false, "test.yaml");
        var metadata = consumerId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["consumerID"] = consumerId };
        var component = new InMemoryPubSub();
        await component.InitAsync(new ComponentContext(spec, metadata, appId, Path.GetTempPath(), _environment), default);
        _cleanup.Add(component);
        return component;
    }

    private void Track(IAsyncDisposable subscription) => _cleanup.Add(subscription);

    private static PubSubHandler Collect(ConcurrentQueue<string> into) => (message, _) =>
    {
        into.Enqueue(Encoding.UTF8.GetString(message.Data.Span));
        return Task.CompletedTask;
    };

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
