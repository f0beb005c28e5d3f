using Sidecart.Testing;

namespace LocalSidecar.Tests;

/// <summary>Tests that need <c>redis-server</c> skip without it locally, and fail in CI (<c>CI=true</c>), where <c>.ci/run</c> installs it.</summary>
internal static class RedisRequirement
{
    public static void Require()
    {
        if (RedisServer.Unavailable() is not { } reason)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(reason);
        }

        Assert.Skip(reason);
    }
}
