using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LocalSidecar.Components.PubSub;

/// <summary>One topic of <see cref="RedisPubSub"/> for this sidecar, as daprd runs it: the consumer group created at
/// <c>0</c> with MKSTREAM (a new group receives what the stream still holds, so nothing published before the first
/// subscription is lost), a poll loop reading new entries with XREADGROUP (group and consumer both the consumerID) on
/// its own connection, because a blocked read holds its connection, and a reclaim loop that every
/// <c>redeliverInterval</c> claims the entries pending for at least <c>processingTimeout</c>: those whose delivery was
/// interrupted, here or in another sidecar or daprd of the same app id. Redis being away is logged and waited out.</summary>
internal sealed class RedisStreamSubscription : IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastBackoff = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PollCommandMargin = TimeSpan.FromSeconds(10);

    private readonly RedisPubSub _component;
    private readonly string _topic;
    private readonly PubSubHandler _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping;
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _inFlight = [];
    private readonly Task _run;
    private ConnectionMultiplexer? _pollConnection;
    private bool _disposed;

    public RedisStreamSubscription(RedisPubSub component, string topic, PubSubHandler handler, ILogger logger, CancellationToken closing)
    {
        _component = component;
        _topic = topic;
        _handler = handler;
        _logger = logger;
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(closing);
        _run = Task.Run(RunAsync, CancellationToken.None);
    }

    private RedisPubSubSettings Settings => _component.Settings;

    private string Group => Settings.ConsumerId;

    /// <summary>Called by a worker: delivers the entry, then acknowledges it unless the delivery was interrupted.</summary>
    public async Task ProcessAsync(RedisStreamDelivery delivery)
    {
        Task delivering;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            delivering = DeliverAsync(delivery);
            _inFlight.Add(delivering);
        }

        try
        {
            await delivering;
        }
        finally
        {
            lock (_gate)
            {
                _inFlight.Remove(delivering);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // Cancelled outside the lock (handlers' continuations may run inline); a worker that took the lock before this
        // has registered its delivery, one that takes it after sees the cancellation and leaves the entry pending.
        await _stopping.CancelAsync();
        ConnectionMultiplexer? pollConnection;
        Task[] inFlight;
        lock (_gate)
        {
            pollConnection = _pollConnection;
            inFlight = [.. _inFlight];
        }

        // Closing the polling connection ends a blocked XREADGROUP now rather than when its BLOCK runs out.
        if (pollConnection is not null)
        {
            await pollConnection.CloseAsync(allowCommandsToComplete: false);
        }

        await _run;
        await Task.WhenAll(inFlight);
        if (pollConnection is not null)
        {
            await pollConnection.DisposeAsync();
        }

        _component.Forget(this);
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            await CreateGroupUntilDoneAsync(stopping);
            var reclaiming = Settings.RedeliveryEnabled ? ReclaimLoopAsync(stopping) : Task.CompletedTask;
            await PollLoopAsync(stopping);
            await reclaiming;
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "redis streams: the subscription to topic {Topic} stopped", _topic);
        }
    }

    private async Task CreateGroupUntilDoneAsync(CancellationToken stopping)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                await CreateGroupAsync();
                _logger.LogDebug("redis streams: reading topic {Topic} as consumer group {Group}", _topic, Group);
                return;
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                _logger.LogWarning("redis streams: cannot create consumer group {Group} of topic {Topic} yet: {Error}", Group, _topic, e.Message);
                await Task.Delay(Backoff(failures), stopping);
            }
        }
    }

    private async Task CreateGroupAsync()
    {
        try
        {
            await _component.Database.ExecuteAsync("XGROUP", "CREATE", new RedisKey(_topic), Group, "0", "MKSTREAM");
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    private async Task PollLoopAsync(CancellationToken stopping)
    {
        var blockMs = (long)Settings.PollBlock.TotalMilliseconds;
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var connection = await PollConnectionAsync(stopping);
                var reply = await connection.GetDatabase().ExecuteAsync("XREADGROUP",
                    "GROUP", Group, Group, "COUNT", Settings.QueueDepth, "BLOCK", blockMs, "STREAMS", new RedisKey(_topic), ">");
                failures = 0;
                foreach (var (id, fields) in ReadGroupEntries(reply))
                {
                    await _component.EnqueueAsync(new RedisStreamDelivery(this, id, ToMessage(id, fields)), stopping);
                }
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                failures++;
                if (e.Message.Contains("NOGROUP", StringComparison.Ordinal))
                {
                    // The stream or group is gone (a flushed or restarted Redis without persistence): start again at 0, as daprd does.
                    _logger.LogWarning("redis streams: consumer group {Group} of topic {Topic} does not exist any more; creating it again", Group, _topic);
                    await CreateGroupUntilDoneAsync(stopping);
                    continue;
                }

                _logger.LogWarning("redis streams: error reading from stream {Topic}: {Error}", _topic, e.Message);
                await Task.Delay(Backoff(failures), stopping);
            }
        }
    }

    private async Task<ConnectionMultiplexer> PollConnectionAsync(CancellationToken stopping)
    {
        lock (_gate)
        {
            if (_pollConnection is not null)
            {
                return _pollConnection;
            }
        }

        var connection = await RedisPubSub.ConnectAsync(Settings, Settings.PollBlock + PollCommandMargin);
        lock (_gate)
        {
            if (!stopping.IsCancellationRequested)
            {
                return _pollConnection = connection;
            }
        }

        await connection.DisposeAsync();
        throw new OperationCanceledException(stopping);
    }

    private async Task ReclaimLoopAsync(CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await ReclaimAsync(stopping);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                _logger.LogWarning("redis streams: error reclaiming pending entries of topic {Topic}: {Error}", _topic, e.Message);
            }

            await Task.Delay(Settings.RedeliverInterval, stopping);
        }
    }

    /// <summary>XPENDING over the whole group, XCLAIM of the entries idle for <c>processingTimeout</c>, until none is.</summary>
    private async Task ReclaimAsync(CancellationToken stopping)
    {
        var database = _component.Database;
        var minIdleMs = (long)Settings.ProcessingTimeout.TotalMilliseconds;
        while (!stopping.IsCancellationRequested)
        {
            var pending = await database.StreamPendingMessagesAsync(_topic, Group, Settings.QueueDepth, RedisValue.Null, "-", "+");
            var due = pending.Where(p => p.IdleTimeInMilliseconds >= minIdleMs).Select(p => p.MessageId).ToArray();
            if (due.Length == 0)
            {
                return;
            }

            var claimed = await database.StreamClaimAsync(_topic, Group, Group, minIdleMs, due);
            if (claimed.Length == 0)
            {
                return;
            }

            foreach (var entry in claimed)
            {
                if (entry.IsNull)
                {
                    // Redis before 7 keeps a trimmed entry pending and claims it as null: acknowledge it away, as daprd does.
                    await AcknowledgeAsync(entry.Id.ToString());
                    continue;
                }

                _logger.LogDebug("redis streams: redelivering entry {Id} of topic {Topic}", entry.Id, _topic);
                var id = entry.Id.ToString();
                await _component.EnqueueAsync(new RedisStreamDelivery(this, id, ToMessage(id, entry.Values.Select(v => (v.Name, v.Value)))), stopping);
            }
        }
    }

    private async Task DeliverAsync(RedisStreamDelivery delivery)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        if (Settings.RedeliveryEnabled)
        {
            deadline.CancelAfter(Settings.ProcessingTimeout);
        }

        try
        {
            await _handler(delivery.Message, deadline.Token);
        }
        catch (Exception e) when (deadline.IsCancellationRequested)
        {
            _logger.LogWarning("redis streams: delivery of entry {Id} of topic {Topic} was interrupted ({Reason}); it stays pending for redelivery: {Error}",
                delivery.EntryId, _topic, _stopping.IsCancellationRequested ? "the subscription is stopping" : "processingTimeout", e.Message);
            return;
        }
        catch (Exception e)
        {
            _logger.LogError("redis streams: error processing entry {Id} of topic {Topic}, acknowledged and dropped: {Error}", delivery.EntryId, _topic, e.Message);
        }

        await AcknowledgeAsync(delivery.EntryId);
    }

    private async Task AcknowledgeAsync(string id)
    {
        try
        {
            await _component.Database.StreamAcknowledgeAsync(_topic, Group, id);
        }
        catch (Exception e)
        {
            _logger.LogError("redis streams: error acknowledging entry {Id} of topic {Topic} (it will be delivered again): {Error}", id, _topic, e.Message);
        }
    }

    /// <summary>The entries of an XREADGROUP reply (RESP2: null on timeout, else [[stream, [[id, [field, value, ...]], ...]]]).</summary>
    private static IEnumerable<(string Id, IEnumerable<(RedisValue Name, RedisValue Value)> Fields)> ReadGroupEntries(RedisResult reply)
    {
        if (reply.IsNull)
        {
            yield break;
        }

        foreach (var stream in (RedisResult[])reply!)
        {
            foreach (var entry in (RedisResult[])stream[1]!)
            {
                var id = (string)entry[0]!;
                var fields = entry[1].IsNull ? [] : (RedisResult[])entry[1]!;
                yield return (id, Enumerable.Range(0, fields.Length / 2).Select(i => ((RedisValue)fields[2 * i], (RedisValue)fields[(2 * i) + 1])));
            }
        }
    }

    /// <summary>daprd's reading of an entry: <c>data</c> as bytes, <c>metadata</c> as a JSON object of strings (a value that
    /// is not one only costs its metadata, with a warning); other fields are ignored.</summary>
    private PubSubMessage ToMessage(string id, IEnumerable<(RedisValue Name, RedisValue Value)> fields)
    {
        byte[] data = [];
        Dictionary<string, string> metadata = new(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            if (name == "data" && !value.IsNull)
            {
                data = (byte[])value!;
            }
            else if (name == "metadata" && !value.IsNull)
            {
                try
                {
                    metadata = JsonSerializer.Deserialize((string)value!, SidecarJsonContext.Default.DictionaryStringString) ?? metadata;
                }
                catch (JsonException e)
                {
                    _logger.LogWarning("redis streams: could not read the metadata of entry {Id} of topic {Topic}: {Error}", id, _topic, e.Message);
                }
            }
        }

        return new PubSubMessage(_topic, data, metadata);
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(LastBackoff.TotalMilliseconds, FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 10))));
}
