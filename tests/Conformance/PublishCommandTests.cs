using Conformance.Harness;
using LocalSidecar.Runner;

namespace Conformance;

/// <summary><c>LocalSidecar publish</c>: an external producer publishing through a running app's sidecar, as with
/// <c>dapr publish</c>.</summary>
public sealed class PublishCommandTests
{
    private const string Subscriptions = """[{"pubsubname":"pubsub","topic":"stock-received","route":"/stock"}]""";

    [Fact]
    public async Task Publishes_json_data_through_the_named_apps_sidecar()
    {
        var environment = SidecarHarness.NewEnvironment();
        await using var subscriber = await PubSubScenario.StartAsync(Subscriptions, appId: "inventory", environment: environment);
        var output = new StringWriter();

        var exit = await PublishCommand.RunAsync(
            ["--publish-app-id", "inventory", "--pubsub", "pubsub", "--topic", "stock-received", "--data", """{"sku":"SKU-1","quantity":5,"receiptId":"r-1"}"""],
            environment.NameResolver, output, new StringWriter(), CancellationToken.None);

        Assert.Equal(0, exit);
        var (request, cloudEvent) = await subscriber.WaitForEventAsync("/stock");
        Assert.Equal("application/json", cloudEvent["datacontenttype"]!.GetValue<string>());
        Assert.Equal("inventory", cloudEvent["source"]!.GetValue<string>());
        Assert.Equal("r-1", cloudEvent["data"]!["receiptId"]!.GetValue<string>());
        Assert.Equal(5, cloudEvent["data"]!["quantity"]!.GetValue<int>());
        Assert.Contains("stock-received", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("application/cloudevents+json", request.Header("Content-Type"));
    }

    [Fact]
    public async Task A_cloudevent_with_its_own_id_and_metadata_from_a_file_is_published_as_is()
    {
        var environment = SidecarHarness.NewEnvironment();
        await using var subscriber = await PubSubScenario.StartAsync(Subscriptions, appId: "inventory", environment: environment);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, """{"specversion":"1.0","id":"receipt-42","source":"warehouse","type":"stock.received","datacontenttype":"application/json","data":{"sku":"SKU-1","quantity":1,"receiptId":"receipt-42"}}""");

        var exit = await PublishCommand.RunAsync(
            ["-i", "inventory", "-p", "pubsub", "-t", "stock-received", "-f", file, "-m", """{"ttlInSeconds":"120"}"""],
            environment.NameResolver, new StringWriter(), new StringWriter(), CancellationToken.None);

        Assert.Equal(0, exit);
        var (_, cloudEvent) = await subscriber.WaitForEventAsync("/stock");
        Assert.Equal("receipt-42", cloudEvent["id"]!.GetValue<string>());
        Assert.Equal("warehouse", cloudEvent["source"]!.GetValue<string>());
        File.Delete(file);
    }

    [Fact]
    public async Task Refusals_and_bad_arguments_are_clear_errors()
    {
        var environment = SidecarHarness.NewEnvironment();
        await using var subscriber = await PubSubScenario.StartAsync(Subscriptions, appId: "inventory", environment: environment);

        var errors = new StringWriter();
        Assert.Equal(1, await PublishCommand.RunAsync(["-i", "inventory", "-p", "nosuchpubsub", "-t", "x", "-d", "{}"], environment.NameResolver, new StringWriter(), errors, CancellationToken.None));
        Assert.Contains("ERR_PUBSUB_NOT_FOUND", errors.ToString(), StringComparison.Ordinal);

        errors = new StringWriter();
        Assert.Equal(1, await PublishCommand.RunAsync(["-i", "nobody", "-p", "pubsub", "-t", "x", "-d", "{}"], environment.NameResolver, new StringWriter(), errors, CancellationToken.None));
        Assert.Contains("no running sidecar for app id 'nobody'", errors.ToString(), StringComparison.Ordinal);

        errors = new StringWriter();
        Assert.Equal(2, await PublishCommand.RunAsync(["-i", "inventory", "-t", "x"], environment.NameResolver, new StringWriter(), errors, CancellationToken.None));
        Assert.Contains("--pubsub is required", errors.ToString(), StringComparison.Ordinal);

        Assert.Equal(2, await PublishCommand.RunAsync(["-i", "inventory", "-p", "pubsub", "-t", "x", "-m", "[1]"], environment.NameResolver, new StringWriter(), new StringWriter(), CancellationToken.None));
    }
}
