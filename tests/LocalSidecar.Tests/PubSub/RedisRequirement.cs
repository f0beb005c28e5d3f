using Sidecart.Testing;

namespace LocalSidecar.Tests.PubSub;

/// <summary>A private redis-server for a test: the test fails under <c>CI=true</c> when the program is missing, and skips
/// with the reason elsewhere.</summary>
internal static class RedisRequirement
{
    public static async Task<RedisServer> StartAsync(bool appendOnly = false)
    {
        if (RedisServer.Unavailable() is { } reason)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }

        return await RedisServer.StartAsync(appendOnly);
    }
}
