using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace LocalSidecar.Components.PubSub;

/// <summary><c>pubsub.redis</c> on Redis Streams, storing and consuming exactly as daprd's component does, so a daprd
/// and a local sidecar on the same Redis publish to each other and share one consumer group per app id: a stream per
/// topic, entries <c>data</c> (the published bytes) and <c>metadata</c> (the publish metadata as a JSON object), the
/// group and consumer both named <c>consumerID</c> (default: the app id) created at <c>0</c>, XREADGROUP for new
/// entries, XACK once handled, and pending entries claimed again after <c>processingTimeout</c>, checked every
/// <c>redeliverInterval</c> (<see cref="RedisStreamSubscription"/>). <c>concurrency</c> workers take entries from one
/// queue of <c>queueDepth</c> shared by the topics.
///
/// A delivery that fails after the inbound resiliency policy is acknowledged and dropped with an error log (daprd since
/// components-contrib 1.17: the policy already retried; a subscription's dead-letter topic keeps it). Only a delivery
/// that was interrupted, by <c>processingTimeout</c> or the sidecar stopping, stays pending and comes back.</summary>
[ComponentType("pubsub.redis")]
public sealed class RedisPubSub : IPubSub
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _gate = new();
    private readonly List<RedisStreamSubscription> _subscriptions = [];
    private RedisPubSubSettings? _settings;
    private ConnectionMultiplexer? _connection;
    private Channel<RedisStreamDelivery>? _queue;
    private Task[] _workers = [];
    private ILogger _logger = NullLogger.Instance;

    internal RedisPubSubSettings Settings => _settings ?? throw new InvalidOperationException("pubsub.redis is not initialised");

    internal IDatabase Database => (_connection ?? throw new InvalidOperationException("pubsub.redis is not initialised")).GetDatabase();

    public async Task InitAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        _settings = RedisPubSubSettings.Read(context);
        _logger = context.Logger;
        _connection = await ConnectAsync(_settings, CommandTimeout);
        _queue = Channel.CreateBounded<RedisStreamDelivery>(new BoundedChannelOptions(_settings.QueueDepth) { FullMode = BoundedChannelFullMode.Wait });
        _workers = [.. Enumerable.Range(0, _settings.Concurrency).Select(_ => Task.Run(WorkAsync))];
    }

    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (_closing.IsCancellationRequested)
        {
            throw new InvalidOperationException("redis streams: the component is closed");
        }

        var settings = Settings;
        var arguments = new List<object> { new RedisKey(topic) };
        if (settings.MaxLenApprox > 0)
        {
            arguments.AddRange(["MAXLEN", "~", settings.MaxLenApprox]);
        }
        else if (settings.StreamTtl > TimeSpan.Zero)
        {
            var oldest = DateTimeOffset.UtcNow.Subtract(settings.StreamTtl).ToUnixTimeMilliseconds();
            arguments.AddRange(["MINID", "~", string.Create(CultureInfo.InvariantCulture, $"{oldest}-1")]);
        }

        arguments.AddRange(["*", "data", data.ToArray(), "metadata", MetadataJson(metadata)]);
        try
        {
            await Database.ExecuteAsync("XADD", arguments).WaitAsync(cancellationToken);
        }
        catch (RedisException e)
        {
            throw new InvalidOperationException($"redis streams: error from publish: {e.Message}", e);
        }
    }

    public IAsyncDisposable Subscribe(string topic, IReadOnlyDictionary<string, string> metadata, PubSubHandler handler)
    {
        var subscription = new RedisStreamSubscription(this, topic, handler, _logger, _closing.Token);
        lock (_gate)
        {
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    public async ValueTask DisposeAsync()
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }

        await _closing.CancelAsync();
        RedisStreamSubscription[] subscriptions;
        lock (_gate)
        {
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
        }

        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }

        _queue?.Writer.TryComplete();
        await Task.WhenAll(_workers);
        if (_connection is not null)
        {
            await _connection.CloseAsync();
            await _connection.DisposeAsync();
        }

        _closing.Dispose();
    }

    /// <summary>Opens a connection and pings it, failing with a message that says where and how to get a server.</summary>
    internal static async Task<ConnectionMultiplexer> ConnectAsync(RedisPubSubSettings settings, TimeSpan commandTimeout)
    {
        ConnectionMultiplexer? connection = null;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(settings.ClientOptions(commandTimeout));
            await connection.GetDatabase().PingAsync();
            return connection;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            var reason = settings.Client.Password is { Length: > 0 } password ? e.Message.Replace(password, "*****", StringComparison.Ordinal) : e.Message;
            throw new InvalidOperationException(
                $"redis streams: error connecting to redis at {settings}: {reason} " +
                "(is a Redis server running there? For example: redis-server --port 6379)", e);
        }
    }

    internal ValueTask EnqueueAsync(RedisStreamDelivery delivery, CancellationToken cancellationToken) =>
        (_queue ?? throw new InvalidOperationException("pubsub.redis is not initialised")).Writer.WriteAsync(delivery, cancellationToken);

    internal void Forget(RedisStreamSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
        }
    }

    private async Task WorkAsync()
    {
        var reader = _queue!.Reader;
        while (await reader.WaitToReadAsync())
        {
            if (reader.TryRead(out var delivery))
            {
                await delivery.Subscription.ProcessAsync(delivery);
            }
        }
    }

    /// <summary>The publish metadata as daprd writes it: a JSON object of strings, keys sorted as Go's encoder sorts them.</summary>
    private static string MetadataJson(IReadOnlyDictionary<string, string> metadata) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(metadata.ToDictionary(), StringComparer.Ordinal), SidecarJsonContext.Default.SortedDictionaryStringString);
}
