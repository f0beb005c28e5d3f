using Sidecart.Testing;
using StackExchange.Redis;

namespace LocalSidecar.Tests.State;

/// <summary>One private redis-server for a test class (none when the program is missing: each test then skips or fails
/// through <see cref="RedisServer.Require"/>), and a direct connection to it for reading what the store wrote.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;
    private ConnectionMultiplexer? _direct;

    public RedisServer Server
    {
        get
        {
            RedisServer.Require();
            return _server!;
        }
    }

    /// <summary>Database 0 of the server, read and written without the sidecar: what daprd would see.</summary>
    public IDatabase Direct
    {
        get
        {
            RedisServer.Require();
            return _direct!.GetDatabase();
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (RedisServer.Unavailable() is null)
        {
            _server = await RedisServer.StartAsync();
            _direct = await ConnectionMultiplexer.ConnectAsync(_server.Host);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_direct is not null)
        {
            await _direct.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
