using System.Text;
using LocalSidecar.Components.PubSub;
using LocalSidecar.Components.State;
using LocalSidecar.Hosting;
using LocalSidecar.Messaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalSidecar.Tests;

/// <summary>The test-only fault switches: off unless the environment turns them on, and each doing what it says.</summary>
public sealed class FaultSwitchTests
{
    private static readonly Dictionary<string, string> NoMetadata = [];

    [Fact]
    public void Without_the_variables_every_switch_is_off()
    {
        Assert.Equal(FaultSwitches.None, FaultSwitches.FromEnvironment(_ => null));
    }

    [Fact]
    public void The_variables_turn_them_on()
    {
        var environment = new Dictionary<string, string>
        {
            [FaultSwitches.DuplicateDeliveryVariable] = "1",
            [FaultSwitches.StateWriteFailuresVariable] = "0.05",
        };
        Assert.Equal(new FaultSwitches(true, 0.05), FaultSwitches.FromEnvironment(environment.GetValueOrDefault));
    }

    [Theory]
    [InlineData(FaultSwitches.DuplicateDeliveryVariable, "yes")]
    [InlineData(FaultSwitches.StateWriteFailuresVariable, "1")]
    [InlineData(FaultSwitches.StateWriteFailuresVariable, "5%")]
    public void A_value_that_means_nothing_is_refused_with_the_variables_name(string variable, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => FaultSwitches.FromEnvironment(name => name == variable ? value : null));
        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_delivery_hands_every_message_to_the_handler_twice()
    {
        var handled = new List<string>();
        var handler = DuplicateDelivery.Wrap((message, _) =>
        {
            handled.Add(Encoding.UTF8.GetString(message.Data.Span));
            return Task.CompletedTask;
        }, "orders", NullLogger.Instance);

        await handler(new PubSubMessage("orders", Encoding.UTF8.GetBytes("a"), NoMetadata), CancellationToken.None);
        await handler(new PubSubMessage("orders", Encoding.UTF8.GetBytes("b"), NoMetadata), CancellationToken.None);
        Assert.Equal(["a", "a", "b", "b"], handled);
    }

    [Fact]
    public async Task A_failed_write_changes_nothing_and_the_others_go_through()
    {
        await using var inner = new InMemoryStateStore();
        var store = new TransientWriteFailures(inner, "statestore", 0.5, NullLogger.Instance);
        var failed = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                await store.SetAsync(new StateUpsert($"k{i}", Encoding.UTF8.GetBytes("1"), null, NoMetadata, StateConcurrency.LastWrite), CancellationToken.None);
            }
            catch (TransientStoreException)
            {
                failed.Add($"k{i}");
            }
        }

        // Half of 200 writes fail on average; none failing, or all, would take odds of 2^-200.
        Assert.InRange(failed.Count, 1, 199);
        for (var i = 0; i < 200; i++)
        {
            var item = await inner.GetAsync($"k{i}", NoMetadata, CancellationToken.None);
            Assert.Equal(failed.Contains($"k{i}"), item is null);
        }
    }
}
