using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Tests;

public sealed class OrderRequestFingerprintTests
{
    private static readonly ValidOrderRequest Order = new("cust-1", [new OrderLine("HEADLAMP-400", 2), new OrderLine("BOTTLE-750", 1)]);

    [Fact]
    public void The_same_lines_in_another_order_have_the_same_fingerprint()
    {
        var reordered = new ValidOrderRequest("cust-1", [new OrderLine("BOTTLE-750", 1), new OrderLine("HEADLAMP-400", 2)]);

        Assert.Equal(OrderRequestFingerprint.Of(Order), OrderRequestFingerprint.Of(reordered));
    }

    [Fact]
    public void Another_customer_sku_or_quantity_changes_the_fingerprint()
    {
        var others = new[]
        {
            Order with { CustomerId = "cust-2" },
            Order with { Lines = [new OrderLine("HEADLAMP-400", 3), new OrderLine("BOTTLE-750", 1)] },
            Order with { Lines = [new OrderLine("HEADLAMP-400", 2)] },
            Order with { Lines = [new OrderLine("HEADLAMP-400", 2), new OrderLine("BOTTLE-500", 1)] },
        };

        var fingerprints = others.Select(OrderRequestFingerprint.Of).Append(OrderRequestFingerprint.Of(Order)).ToList();

        Assert.Equal(fingerprints.Count, fingerprints.Distinct(StringComparer.Ordinal).Count());
    }
}
