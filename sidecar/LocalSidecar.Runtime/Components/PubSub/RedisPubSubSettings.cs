using System.Globalization;
using LocalSidecar.Components.Redis;
using StackExchange.Redis;

namespace LocalSidecar.Components.PubSub;

/// <summary>The metadata of <c>pubsub.redis</c>, read with daprd's rules and defaults (components-contrib
/// <c>common/component/redis/settings.go</c> and <c>pubsub/redis</c>): durations as an integer of milliseconds or a Go
/// duration, <c>consumerID</c> defaulting to the app id. The connection is read as for <c>state.redis</c>
/// (<see cref="RedisClientSettings"/>, which refuses by name what the local sidecar cannot do).</summary>
internal sealed record RedisPubSubSettings
{
    /// <summary>XREADGROUP's BLOCK when <c>readTimeout</c> is not set. daprd blocks forever then; a bounded wait keeps
    /// the client's command timeout meaningful on the polling connection.</summary>
    private static readonly TimeSpan DefaultPollBlock = TimeSpan.FromSeconds(2);

    public required RedisClientSettings Client { get; init; }

    public required string ConsumerId { get; init; }

    /// <summary>How long a delivery may take, and how long an entry stays pending before it is claimed again. Zero (with
    /// <see cref="RedeliverInterval"/>) turns redelivery off.</summary>
    public TimeSpan ProcessingTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan RedeliverInterval { get; init; } = TimeSpan.FromSeconds(15);

    public int QueueDepth { get; init; } = 100;

    public int Concurrency { get; init; } = 10;

    /// <summary><c>MAXLEN ~</c> on every XADD; 0 keeps every entry.</summary>
    public long MaxLenApprox { get; init; }

    /// <summary><c>MINID ~</c> on every XADD (entries older than this go); zero keeps every entry.</summary>
    public TimeSpan StreamTtl { get; init; }

    public TimeSpan PollBlock { get; init; } = DefaultPollBlock;

    public bool RedeliveryEnabled => ProcessingTimeout > TimeSpan.Zero && RedeliverInterval > TimeSpan.Zero;

    public static RedisPubSubSettings Read(ComponentContext context)
    {
        var readTimeout = RedisClientSettings.Duration(context, "readTimeout", DefaultPollBlock);
        var settings = new RedisPubSubSettings
        {
            Client = RedisClientSettings.Read(context),
            ConsumerId = context.Optional("consumerID") ?? context.AppId,
            ProcessingTimeout = Milliseconds(context, "processingTimeout", allowDuration: true) ?? TimeSpan.FromSeconds(60),
            RedeliverInterval = Milliseconds(context, "redeliverInterval", allowDuration: false) ?? TimeSpan.FromSeconds(15),
            QueueDepth = Positive(context, "queueDepth", 100),
            Concurrency = Positive(context, "concurrency", 10),
            MaxLenApprox = context.Optional("maxLenApprox") is { } max
                ? long.TryParse(max, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0
                    ? parsed
                    : throw context.Invalid("maxLenApprox", $"'{max}' is not a non-negative integer")
                : 0,
            StreamTtl = context.Optional("streamTTL") is null ? TimeSpan.Zero : context.Duration("streamTTL", TimeSpan.Zero),
            PollBlock = readTimeout > TimeSpan.Zero ? readTimeout : DefaultPollBlock,
        };
        if (settings.ConsumerId.Length == 0)
        {
            throw context.Invalid("consumerID", "is empty");
        }

        return settings;
    }

    /// <summary>The client options: one endpoint, AUTH, SELECT, TLS. Connecting fails fast at start (daprd's Init pings
    /// and fails too); once connected the client reconnects on its own.</summary>
    public ConfigurationOptions ClientOptions(TimeSpan commandTimeout)
    {
        var options = Client.ToOptions("dapr-local-sidecar");
        options.AsyncTimeout = options.SyncTimeout = (int)commandTimeout.TotalMilliseconds;
        // RESP2, as daprd's client speaks it: stream replies are read in that shape.
        options.Protocol = RedisProtocol.Resp2;
        return options;
    }

    /// <summary>daprd's legacy rule for <c>processingTimeout</c> and <c>redeliverInterval</c>: an unsigned integer is
    /// milliseconds. A duration string works for <c>processingTimeout</c>; for <c>redeliverInterval</c> daprd ignores
    /// it silently (leaving 15s), so it is refused here rather than read differently.</summary>
    private static TimeSpan? Milliseconds(ComponentContext context, string name, bool allowDuration)
    {
        if (context.Optional(name) is not { } value)
        {
            return null;
        }

        if (ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (!allowDuration)
        {
            throw context.Invalid(name, $"'{value}' is not an integer number of milliseconds (daprd ignores any other form of {name} and uses 15000)");
        }

        return GoDuration.TryParse(value, out var duration) && duration >= TimeSpan.Zero
            ? duration
            : throw context.Invalid(name, $"'{value}' is neither milliseconds nor a duration such as 30s");
    }

    private static int Positive(ComponentContext context, string name, int fallback)
    {
        var value = context.Number(name, fallback);
        return value > 0 ? value : throw context.Invalid(name, $"must be at least 1, not {value}");
    }

    /// <summary>For error messages: the endpoint, never the password.</summary>
    public override string ToString() => $"{Client.Address} (db {Client.Database}{(Client.EnableTls ? ", TLS" : "")})";
}
