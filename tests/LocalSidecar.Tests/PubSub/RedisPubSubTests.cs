using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using LocalSidecar.Components;
using LocalSidecar.Components.PubSub;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Sidecart.Testing;
using StackExchange.Redis;

namespace LocalSidecar.Tests.PubSub;

/// <summary><c>pubsub.redis</c> against a private redis-server, checked by reading Redis directly the way daprd's component
/// (components-contrib <c>pubsub/redis</c>) reads and writes it.</summary>
public sealed class RedisPubSubTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> NoMetadata = [];

    private readonly SidecarEnvironment _environment = new(new FileNameResolver(Path.Combine(Path.GetTempPath(), "sidecart-unit", Guid.NewGuid().ToString("N"))));
    private readonly List<IAsyncDisposable> _cleanup = [];
    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;

    private IDatabase Redis => _redis.GetDatabase();

    public async ValueTask InitializeAsync()
    {
        RedisServer.Require();
        _server = await RedisServer.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync($"{_server.Host},allowAdmin=true");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Publish_adds_an_entry_with_data_and_metadata_fields_to_the_stream_named_by_the_topic()
    {
        var component = await ComponentAsync("publisher");
        await component.PublishAsync("orders", Bytes("""{"id":"1"}"""), new Dictionary<string, string> { ["ttlInSeconds"] = "60", ["a"] = "b" }, default);

        var entry = Assert.Single(await Redis.StreamRangeAsync("orders"));
        Assert.Equal(["data", "metadata"], entry.Values.Select(v => v.Name.ToString()).Order());
        Assert.Equal("""{"id":"1"}""", entry["data"].ToString());
        var metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(entry["metadata"].ToString())!;
        Assert.Equal(new Dictionary<string, string> { ["a"] = "b", ["ttlInSeconds"] = "60" }, metadata);
    }

    [Fact]
    public async Task An_entry_daprd_wrote_before_anyone_subscribed_is_delivered_with_its_metadata_and_acknowledged()
    {
        await Redis.StreamAddAsync("orders", [new NameValueEntry("data", "from daprd"), new NameValueEntry("metadata", """{"k":"v"}""")]);
        await Redis.StreamAddAsync("orders", [new NameValueEntry("data", "no metadata field")]);
        var component = await ComponentAsync("shipping");
        var received = new ConcurrentQueue<PubSubMessage>();
        Track(component.Subscribe("orders", NoMetadata, (message, _) =>
        {
            received.Enqueue(message);
            return Task.CompletedTask;
        }));

        await Eventually(() => received.Count == 2);
        var first = received.Single(m => Text(m) == "from daprd");
        Assert.Equal("orders", first.Topic);
        Assert.Equal("v", first.Metadata["k"]);
        Assert.Empty(received.Single(m => Text(m) == "no metadata field").Metadata);
        await EventuallyAsync(async () => (await Redis.StreamPendingAsync("orders", "shipping")).PendingMessageCount == 0);

        var group = Assert.Single(await Redis.StreamGroupInfoAsync("orders"));
        Assert.Equal("shipping", group.Name);
        Assert.Equal("shipping", Assert.Single(await Redis.StreamConsumerInfoAsync("orders", "shipping")).Name);
    }

    [Fact]
    public async Task ConsumerID_names_the_group_and_the_consumer()
    {
        var component = await ComponentAsync("app", ("consumerID", "billing"));
        var received = new ConcurrentQueue<string>();
        Track(component.Subscribe("orders", NoMetadata, Collect(received)));
        await component.PublishAsync("orders", Bytes("m"), NoMetadata, default);

        await Eventually(() => received.Count == 1);
        Assert.Equal("billing", Assert.Single(await Redis.StreamGroupInfoAsync("orders")).Name.ToString());
        Assert.Equal("billing", Assert.Single(await Redis.StreamConsumerInfoAsync("orders", "billing")).Name.ToString());
    }

    [Fact]
    public async Task Sidecars_of_one_app_id_share_its_group_and_every_other_app_id_gets_every_message()
    {
        var replicaA = await ComponentAsync("orders-app");
        var replicaB = await ComponentAsync("orders-app");
        var audit = await ComponentAsync("audit");
        var replicas = new ConcurrentQueue<string>();
        var audited = new ConcurrentQueue<string>();
        Track(replicaA.Subscribe("orders", NoMetadata, Collect(replicas)));
        Track(replicaB.Subscribe("orders", NoMetadata, Collect(replicas)));
        Track(audit.Subscribe("orders", NoMetadata, Collect(audited)));

        for (var i = 0; i < 40; i++)
        {
            await audit.PublishAsync("orders", Bytes($"m{i}"), NoMetadata, default);
        }

        await Eventually(() => replicas.Count >= 40 && audited.Count >= 40);
        var expected = Enumerable.Range(0, 40).Select(i => $"m{i}").Order();
        Assert.Equal(expected, replicas.Order());
        Assert.Equal(expected, audited.Order());
        Assert.Equal(["audit", "orders-app"], (await Redis.StreamGroupInfoAsync("orders")).Select(g => g.Name.ToString()).Order());
    }

    [Fact]
    public async Task A_delivery_not_finished_within_processingTimeout_stays_pending_and_is_delivered_again()
    {
        var component = await ComponentAsync("slow", ("processingTimeout", "300"), ("redeliverInterval", "100"));
        var attempts = 0;
        var done = new TaskCompletionSource<int>();
        Track(component.Subscribe("orders", NoMetadata, async (_, cancellationToken) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            done.TrySetResult(attempts);
        }));
        await component.PublishAsync("orders", Bytes("m"), NoMetadata, default);

        Assert.Equal(2, await done.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        await EventuallyAsync(async () => (await Redis.StreamPendingAsync("orders", "slow")).PendingMessageCount == 0);
        var pending = await Redis.StreamPendingMessagesAsync("orders", "slow", 10, RedisValue.Null);
        Assert.Empty(pending);
    }

    [Fact]
    public async Task An_entry_left_unacknowledged_by_a_stopped_sidecar_is_redelivered_by_the_next_one_after_processingTimeout()
    {
        var first = await ComponentAsync("shipping");
        var taken = new TaskCompletionSource();
        var subscription = first.Subscribe("orders", NoMetadata, async (_, cancellationToken) =>
        {
            taken.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        });
        await first.PublishAsync("orders", Bytes("in flight"), NoMetadata, default);
        await taken.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await subscription.DisposeAsync();
        await first.DisposeAsync();
        Assert.Equal(1, (await Redis.StreamPendingAsync("orders", "shipping")).PendingMessageCount);

        var second = await ComponentAsync("shipping", ("processingTimeout", "200"), ("redeliverInterval", "100"));
        var received = new ConcurrentQueue<string>();
        Track(second.Subscribe("orders", NoMetadata, Collect(received)));
        await Eventually(() => received.Count == 1);
        Assert.Equal("in flight", Assert.Single(received));
        await EventuallyAsync(async () => (await Redis.StreamPendingAsync("orders", "shipping")).PendingMessageCount == 0);
    }

    [Fact]
    public async Task Messages_published_while_the_subscriber_is_down_are_delivered_when_it_comes_back()
    {
        var publisher = await ComponentAsync("publisher");
        var subscriber = await ComponentAsync("shipping");
        var received = new ConcurrentQueue<string>();
        var subscription = subscriber.Subscribe("orders", NoMetadata, Collect(received));
        await publisher.PublishAsync("orders", Bytes("before"), NoMetadata, default);
        await Eventually(() => received.Count == 1);
        await subscription.DisposeAsync();
        await subscriber.DisposeAsync();

        await publisher.PublishAsync("orders", Bytes("while down 1"), NoMetadata, default);
        await publisher.PublishAsync("orders", Bytes("while down 2"), NoMetadata, default);
        var restarted = await ComponentAsync("shipping");
        Track(restarted.Subscribe("orders", NoMetadata, Collect(received)));

        await Eventually(() => received.Count == 3);
        Assert.Equal(["before", "while down 1", "while down 2"], received.Order());
    }

    [Fact]
    public async Task A_subscription_carries_on_after_redis_restarts_with_its_append_only_file()
    {
        RedisServer.Require();
        await using var server = await RedisServer.StartAsync(appendOnly: true);
        var component = await ComponentAsync("shipping", server.Host);
        var received = new ConcurrentQueue<string>();
        Track(component.Subscribe("orders", NoMetadata, Collect(received)));
        await component.PublishAsync("orders", Bytes("before"), NoMetadata, default);
        await Eventually(() => received.Count == 1);

        await server.RestartAsync();
        await EventuallyAsync(async () =>
        {
            try
            {
                await component.PublishAsync("orders", Bytes("after"), NoMetadata, default);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        });

        await Eventually(() => received.Contains("after"));
        Assert.Equal("before", received.First());
    }

    [Fact]
    public async Task A_failed_delivery_is_acknowledged_and_dropped_as_daprd_does_and_the_next_one_delivered()
    {
        var component = await ComponentAsync("strict");
        var attempts = new ConcurrentQueue<string>();
        Track(component.Subscribe("orders", NoMetadata, (message, _) =>
        {
            attempts.Enqueue(Text(message));
            return Text(message) == "poison" ? throw new InvalidOperationException("rejected") : Task.CompletedTask;
        }));
        await component.PublishAsync("orders", Bytes("poison"), NoMetadata, default);
        await component.PublishAsync("orders", Bytes("next"), NoMetadata, default);

        await Eventually(() => attempts.Contains("next"));
        await EventuallyAsync(async () => (await Redis.StreamPendingAsync("orders", "strict")).PendingMessageCount == 0);
        Assert.Single(attempts, a => a == "poison");
    }

    [Fact]
    public async Task MaxLenApprox_trims_the_stream_on_publish()
    {
        var component = await ComponentAsync("publisher", ("maxLenApprox", "10"));
        for (var i = 0; i < 1000; i++)
        {
            await component.PublishAsync("orders", Bytes($"m{i}"), NoMetadata, default);
        }

        var length = await Redis.StreamLengthAsync("orders");
        // "~" lets Redis trim whole nodes only (100 entries each by default), so the length lands between 10 and 10 + 100.
        Assert.InRange(length, 10, 110);
        var newest = await Redis.StreamRangeAsync("orders", count: 1, messageOrder: Order.Descending);
        Assert.Equal("m999", newest[0]["data"].ToString());
    }

    [Fact]
    public async Task Without_maxLenApprox_every_entry_is_kept()
    {
        var component = await ComponentAsync("publisher");
        for (var i = 0; i < 300; i++)
        {
            await component.PublishAsync("orders", Bytes($"m{i}"), NoMetadata, default);
        }

        Assert.Equal(300, await Redis.StreamLengthAsync("orders"));
    }

    [Fact]
    public async Task RedisPassword_from_a_secretKeyRef_authenticates_and_a_wrong_one_is_a_clear_start_error_that_hides_it()
    {
        await Redis.ExecuteAsync("CONFIG", "SET", "requirepass", "s3cret-pass");
        using var folder = new TempFolder();
        folder.Write("secrets.json", """{"redis-good":"s3cret-pass","redis-bad":"wrong-pass"}""");
        ComponentSpec Spec(string key) => new("pubsub", "pubsub.redis", "v1",
            [new MetadataItem("redisHost", _server.Host, null, null), new MetadataItem("redisPassword", null, new SecretKeyRef($"redis-{key}", $"redis-{key}"), null)],
            [], "secrets", false, Path.Combine(folder.Path, "pubsub.yaml"));
        var secrets = new ComponentSpec("secrets", "secretstores.local.file", "v1",
            [new MetadataItem("secretsFile", "secrets.json", null, null)], [], null, false, Path.Combine(folder.Path, "secrets.yaml"));

        await using (var registry = await ComponentRegistry.LoadAsync([secrets, Spec("good")], "app", folder.Path, _environment,
                         Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, default))
        {
            Assert.True(registry.TryGet<IPubSub>("pubsub", out var pubsub));
            await pubsub.PublishAsync("orders", Bytes("authenticated"), NoMetadata, default);
        }

        var error = await Assert.ThrowsAsync<ResourceException>(() => ComponentRegistry.LoadAsync([secrets, Spec("bad")], "app", folder.Path, _environment,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, default));
        Assert.Contains("error connecting to redis at 127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pass", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisDB_selects_the_database()
    {
        var component = await ComponentAsync("publisher", ("redisDB", "3"));
        await component.PublishAsync("orders", Bytes("m"), NoMetadata, default);
        Assert.Equal(0, await Redis.StreamLengthAsync("orders"));
        Assert.Equal(1, await _redis.GetDatabase(3).StreamLengthAsync("orders"));
    }

    private async Task<RedisPubSub> ComponentAsync(string appId, params (string Name, string Value)[] metadata) =>
        await ComponentAsync(appId, _server.Host, metadata);

    private async Task<RedisPubSub> ComponentAsync(string appId, string host, params (string Name, string Value)[] metadata)
    {
        var values = new Dictionary<string, string> { ["redisHost"] = host };
        foreach (var (name, value) in metadata)
        {
            values[name] = value;
        }

        var spec = new ComponentSpec("pubsub", "pubsub.redis", "v1", [], [], null, false, "pubsub.yaml");
        var component = new RedisPubSub();
        await component.InitAsync(new ComponentContext(spec, values, appId, Path.GetTempPath(), _environment), default);
        _cleanup.Add(component);
        return component;
    }

    private void Track(IAsyncDisposable subscription) => _cleanup.Add(subscription);

    private static PubSubHandler Collect(ConcurrentQueue<string> into) => (message, _) =>
    {
        into.Enqueue(Text(message));
        return Task.CompletedTask;
    };

    private static string Text(PubSubMessage message) => Encoding.UTF8.GetString(message.Data.Span);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static Task Eventually(Func<bool> condition) => EventuallyAsync(() => Task.FromResult(condition()));

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }
}
