namespace Sidecart.Dapr.Tests.Support;

public abstract class FakeSidecarTest : IAsyncLifetime
{
    protected FakeSidecar Sidecar { get; private set; } = null!;

    protected DaprClient Dapr { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Sidecar = await FakeSidecar.StartAsync();
        Dapr = Sidecar.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
