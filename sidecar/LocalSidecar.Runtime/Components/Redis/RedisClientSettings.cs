using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;

namespace LocalSidecar.Components.Redis;

/// <summary>The connection metadata daprd's Redis components share (components-contrib <c>common/component/redis</c>):
/// <c>redisHost</c> (+ <c>redisPort</c>), <c>redisUsername</c>, <c>redisPassword</c>, <c>redisDB</c>, <c>enableTLS</c>,
/// <c>insecureSkipTLSVerify</c>, <c>clientCert</c>/<c>clientKey</c> and the timeouts, read with daprd's rules (booleans
/// are "truthy" strings, a bare number of a duration field is milliseconds). What the local sidecar cannot honour
/// (cluster, Sentinel failover, Entra ID / OIDC tokens, several hosts) is refused by name instead of being ignored.</summary>
public sealed class RedisClientSettings
{
    private const int DefaultPort = 6379;

    /// <summary>Validated as daprd validates them, without effect: the client multiplexes one connection per store (so there
    /// is no pool to size) and does not resend a failed command (a write that may have run is not repeated).</summary>
    private static readonly string[] PoolAndRetryIntegers = ["redisMaxRetries", "maxRetries", "poolSize", "minIdleConns"];

    private static readonly string[] PoolAndRetryDurations =
        ["redisMinRetryInterval", "redisMaxRetryInterval", "poolTimeout", "maxConnAge", "idleTimeout", "idleCheckFrequency"];

    private RedisClientSettings() { }

    /// <summary><c>host:port</c>, the port filled in from <c>redisPort</c> or 6379.</summary>
    public string Address { get; private init; } = "";

    public string Host { get; private init; } = "";

    public int Port { get; private init; }

    public string? Username { get; private init; }

    public string? Password { get; private init; }

    public int Database { get; private init; }

    public bool EnableTls { get; private init; }

    public bool InsecureSkipTlsVerify { get; private init; }

    public X509Certificate2? ClientCertificate { get; private init; }

    public TimeSpan DialTimeout { get; private init; }

    public TimeSpan ReadTimeout { get; private init; }

    public static RedisClientSettings Read(ComponentContext context)
    {
        RefuseUnsupported(context);
        var (host, port) = HostAndPort(context);
        foreach (var field in PoolAndRetryIntegers)
        {
            WholeNumber(context, field, 0);
        }

        foreach (var field in PoolAndRetryDurations)
        {
            Duration(context, field, TimeSpan.Zero);
        }

        if (context.Optional("maxRetryBackoff") is { } nanoseconds && !long.TryParse(nanoseconds, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw context.Invalid("maxRetryBackoff", $"'{nanoseconds}' is not an integer number of nanoseconds");
        }

        var database = WholeNumber(context, "redisDB", 0);
        if (database < 0)
        {
            throw context.Invalid("redisDB", $"'{database}' is not a database index (0 or more)");
        }

        var readTimeout = Duration(context, "readTimeout", TimeSpan.FromSeconds(3));
        return new RedisClientSettings
        {
            Address = $"{(host.Contains(':') ? $"[{host}]" : host)}:{port}",
            Host = host,
            Port = port,
            Username = context.Optional("redisUsername"),
            Password = context.Optional("redisPassword"),
            Database = database,
            EnableTls = Truthy(context, "enableTLS"),
            InsecureSkipTlsVerify = Truthy(context, "insecureSkipTLSVerify"),
            ClientCertificate = ClientCertificateOf(context),
            DialTimeout = Duration(context, "dialTimeout", TimeSpan.FromSeconds(5)),
            ReadTimeout = readTimeout < TimeSpan.Zero ? TimeSpan.FromMinutes(10) : Max(readTimeout, Duration(context, "writeTimeout", readTimeout)),
        };
    }

    /// <summary>The client's options. The client's own extras (a tie-breaker key, a configuration channel) are off, so
    /// the server sees what daprd's client sends: connection set-up, then the component's commands.</summary>
    public ConfigurationOptions ToOptions(string clientName)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { Host, Port } },
            User = Username,
            Password = Password,
            DefaultDatabase = Database,
            Ssl = EnableTls,
            SslHost = EnableTls ? Host : null,
            ConnectTimeout = (int)DialTimeout.TotalMilliseconds,
            SyncTimeout = (int)ReadTimeout.TotalMilliseconds,
            AsyncTimeout = (int)ReadTimeout.TotalMilliseconds,
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            TieBreaker = "",
            ConfigurationChannel = "",
            ClientName = clientName,
            SetClientLibrary = false,
            // The client guards INFO behind this switch; daprd's components read INFO replication at start.
            AllowAdmin = true,
        };
        if (EnableTls && InsecureSkipTlsVerify)
        {
            // The component's metadata asks for it in so many words (daprd's insecureSkipTLSVerify), e.g. for a self-signed server.
#pragma warning disable CA5359
            options.CertificateValidation += (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        if (ClientCertificate is { } certificate)
        {
            options.CertificateSelection += (_, _, _, _, _) => certificate;
        }

        return options;
    }

    /// <summary>A boolean as daprd's metadata decoder reads one: <c>true</c>, <c>t</c>, <c>yes</c>, <c>y</c>, <c>on</c>
    /// or <c>1</c> (any case) is true, anything else false.</summary>
    public static bool Truthy(ComponentContext context, string name) =>
        context.Optional(name)?.Trim().ToLowerInvariant() is "true" or "t" or "yes" or "y" or "on" or "1";

    /// <summary>A duration field: a bare integer is milliseconds (a negative one means "none"), otherwise a Go duration.</summary>
    public static TimeSpan Duration(ComponentContext context, string name, TimeSpan fallback)
    {
        if (context.Optional(name) is not { } text)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return milliseconds == 0 ? fallback : milliseconds < 0 ? TimeSpan.FromTicks(-1) : TimeSpan.FromMilliseconds(milliseconds);
        }

        return GoDuration.TryParse(text, out var parsed)
            ? parsed == TimeSpan.Zero ? fallback : parsed
            : throw context.Invalid(name, $"'{text}' is neither a number of milliseconds nor a duration such as 500ms or 5s");
    }

    public static int WholeNumber(ComponentContext context, string name, int fallback) =>
        context.Optional(name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw context.Invalid(name, $"'{text}' is not an integer");

    private static void RefuseUnsupported(ComponentContext context)
    {
        if (context.Optional("redisType") is { } type && !type.Equals("node", StringComparison.OrdinalIgnoreCase))
        {
            throw context.Invalid("redisType", type.Equals("cluster", StringComparison.OrdinalIgnoreCase)
                ? "'cluster' is not supported by the local sidecar, which talks to one Redis node; remove it or use real daprd"
                : $"'{type}' is not a Redis type (daprd accepts node or cluster)");
        }

        if (Truthy(context, "failover"))
        {
            throw context.Invalid("failover", "Redis Sentinel (failover: true) is not supported by the local sidecar; point redisHost at the Redis node itself");
        }

        foreach (var tokenAuth in new[] { "useEntraID", "useAzureAD", "useOIDC" })
        {
            if (Truthy(context, tokenAuth))
            {
                throw context.Invalid(tokenAuth, "token authentication is not supported by the local sidecar; use redisUsername and redisPassword");
            }
        }
    }

    private static (string Host, int Port) HostAndPort(ComponentContext context)
    {
        var address = context.Required("redisHost").Trim();
        if (address.Contains(','))
        {
            throw context.Invalid("redisHost", $"'{address}' lists several hosts (a cluster or Sentinel set), which the local sidecar does not support; give one host:port");
        }

        int? separatePort = context.Optional("redisPort") is not { } separateText ? null
            : int.TryParse(separateText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535 ? p
            : throw context.Invalid("redisPort", $"'{separateText}' is not a port number");

        var (host, portText) = SplitHostPort(address);
        int? port = portText is null ? null
            : int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is > 0 and <= 65535 ? parsed
            : throw context.Invalid("redisHost", $"'{address}' does not end in a port number");
        if (host.Length == 0)
        {
            throw context.Invalid("redisHost", $"'{address}' names no host");
        }

        if (port is { } given && separatePort is { } other && given != other)
        {
            throw context.Invalid("redisPort", $"redis host '{address}' already contains port {given}, but redisPort is set to {other}; either remove the port from redisHost or remove the redisPort setting");
        }

        return (host, port ?? separatePort ?? DefaultPort);
    }

    /// <summary>Splits <c>host:port</c>, <c>[v6]:port</c>, a bare host or a bare IPv6 address into the host and the
    /// port's text (null when there is none).</summary>
    private static (string Host, string? Port) SplitHostPort(string address)
    {
        if (address.StartsWith('['))
        {
            var close = address.IndexOf(']');
            return close < 0 ? (address[1..], null)
                : (address[1..close], address[(close + 1)..] is [':', .. var port] ? port : null);
        }

        var colon = address.LastIndexOf(':');
        return colon < 0 || address.IndexOf(':') != colon ? (address, null) : (address[..colon], address[(colon + 1)..]);
    }

    private static X509Certificate2? ClientCertificateOf(ComponentContext context)
    {
        var (certificate, key) = (context.Optional("clientCert"), context.Optional("clientKey"));
        if (certificate is null || key is null)
        {
            // daprd uses the pair only when both are given.
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPem(certificate, key);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw context.Invalid("clientCert", $"clientCert and clientKey are not a PEM certificate and its private key: {e.Message}");
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a >= b ? a : b;
}
