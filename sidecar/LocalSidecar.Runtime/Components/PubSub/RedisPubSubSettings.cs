using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;

namespace LocalSidecar.Components.PubSub;

/// <summary>The metadata of <c>pubsub.redis</c>, read with daprd's rules and defaults (components-contrib
/// <c>common/component/redis/settings.go</c> and <c>pubsub/redis</c>): durations as an integer of milliseconds or a Go
/// duration, <c>consumerID</c> defaulting to the app id. What the local sidecar cannot do (cluster, Sentinel, Entra ID
/// or OIDC tokens) is refused by name instead of being ignored.</summary>
internal sealed record RedisPubSubSettings
{
    private const int DefaultPort = 6379;

    /// <summary>XREADGROUP's BLOCK when <c>readTimeout</c> is not set. daprd blocks forever then; a bounded wait keeps
    /// the client's command timeout meaningful on the polling connection.</summary>
    private static readonly TimeSpan DefaultPollBlock = TimeSpan.FromSeconds(2);

    public required string Host { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public int Database { get; init; }

    public bool EnableTls { get; init; }

    public bool InsecureSkipTlsVerify { get; init; }

    public X509Certificate2? ClientCertificate { get; init; }

    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(5);

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
        RefuseUnsupported(context);
        var readTimeout = RedisDuration(context, "readTimeout");
        var settings = new RedisPubSubSettings
        {
            Host = ResolveHost(context),
            Username = context.Optional("redisUsername"),
            Password = context.Optional("redisPassword"),
            Database = NonNegative(context, "redisDB", 0),
            EnableTls = context.Bool("enableTLS", false),
            InsecureSkipTlsVerify = context.Bool("insecureSkipTLSVerify", false),
            ClientCertificate = ReadClientCertificate(context),
            DialTimeout = RedisDuration(context, "dialTimeout") is { } dial && dial > TimeSpan.Zero ? dial : TimeSpan.FromSeconds(5),
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
            PollBlock = readTimeout is { } block && block > TimeSpan.Zero ? block : DefaultPollBlock,
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
        var options = new ConfigurationOptions
        {
            User = Username,
            Password = Password,
            DefaultDatabase = Database,
            Ssl = EnableTls,
            AbortOnConnectFail = true,
            ConnectTimeout = (int)DialTimeout.TotalMilliseconds,
            AsyncTimeout = (int)commandTimeout.TotalMilliseconds,
            SyncTimeout = (int)commandTimeout.TotalMilliseconds,
            Protocol = RedisProtocol.Resp2,
            ClientName = "dapr-local-sidecar",
        };
        options.EndPoints.Add(Host);
        if (EnableTls)
        {
            options.SslHost = Host[..Host.LastIndexOf(':')].Trim('[', ']');
            if (InsecureSkipTlsVerify)
            {
#pragma warning disable CA5359 // what insecureSkipTLSVerify asks for, as in daprd
                options.CertificateValidation += (_, _, _, _) => true;
#pragma warning restore CA5359
            }

            if (ClientCertificate is { } certificate)
            {
                options.CertificateSelection += (_, _, _, _, _) => certificate;
            }
        }

        return options;
    }

    private static void RefuseUnsupported(ComponentContext context)
    {
        if (context.Optional("redisType") is { } type && !type.Equals("node", StringComparison.OrdinalIgnoreCase))
        {
            throw context.Invalid("redisType", $"'{type}' is not supported by the local sidecar: it connects to one Redis node (redisType: node)");
        }

        foreach (var flag in new[] { "failover", "useEntraID", "useAzureAD", "useOIDC" })
        {
            if (context.Bool(flag, false))
            {
                throw context.Invalid(flag, "is not supported by the local sidecar: it connects to one Redis node with redisUsername/redisPassword");
            }
        }
    }

    /// <summary><c>redisHost</c> with <c>redisPort</c> appended when the host has no port (6379 when neither does); a
    /// host whose port contradicts <c>redisPort</c> is an error, as in daprd.</summary>
    private static string ResolveHost(ComponentContext context)
    {
        var host = context.Required("redisHost").Trim();
        if (host.Contains(',', StringComparison.Ordinal))
        {
            throw context.Invalid("redisHost", $"'{host}' lists several hosts; the local sidecar connects to one Redis node");
        }

        int? port = context.Optional("redisPort") is { } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535
                ? p
                : throw context.Invalid("redisPort", $"'{text}' is not a port number")
            : null;
        if (TryParseEndpoint(host, out var hostOnly, out var existing))
        {
            if (port is { } configured && configured != existing)
            {
                throw context.Invalid("redisPort",
                    $"redisHost '{host}' already has port {existing} but redisPort is {configured}: remove one of them");
            }

            return host;
        }

        return hostOnly.Contains(':', StringComparison.Ordinal)
            ? $"[{hostOnly}]:{port ?? DefaultPort}"
            : $"{hostOnly}:{port ?? DefaultPort}";
    }

    private static bool TryParseEndpoint(string host, out string hostOnly, out int port)
    {
        hostOnly = host;
        port = 0;
        var colon = host.LastIndexOf(':');
        if (colon <= 0 || (host.StartsWith('[') && !host[..colon].EndsWith(']')) || (!host.StartsWith('[') && host.IndexOf(':') != colon))
        {
            return false;
        }

        hostOnly = host[..colon].Trim('[', ']');
        return int.TryParse(host[(colon + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out port);
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

    /// <summary>The Redis client's duration fields: an integer is milliseconds (negative means "none"), else a Go duration.</summary>
    private static TimeSpan? RedisDuration(ComponentContext context, string name)
    {
        if (context.Optional(name) is not { } value)
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            return ms < 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(ms);
        }

        return GoDuration.TryParse(value, out var duration)
            ? duration
            : throw context.Invalid(name, $"'{value}' is neither milliseconds nor a duration such as 5s");
    }

    private static int Positive(ComponentContext context, string name, int fallback)
    {
        var value = context.Number(name, fallback);
        return value > 0 ? value : throw context.Invalid(name, $"must be at least 1, not {value}");
    }

    private static int NonNegative(ComponentContext context, string name, int fallback)
    {
        var value = context.Number(name, fallback);
        return value >= 0 ? value : throw context.Invalid(name, $"must not be negative, not {value}");
    }

    private static X509Certificate2? ReadClientCertificate(ComponentContext context)
    {
        var cert = context.Optional("clientCert");
        var key = context.Optional("clientKey");
        if (cert is null || key is null)
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPem(cert, key);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw context.Invalid("clientCert", $"clientCert and clientKey are not a PEM certificate and its key: {e.Message}");
        }
    }

    /// <summary>For error messages: the endpoint, never the password.</summary>
    public override string ToString() => $"{Host} (db {Database}{(EnableTls ? ", TLS" : "")})";
}
