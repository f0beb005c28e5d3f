using System.Diagnostics.Metrics;
using Sidecart.Ordering.Events;

namespace Sidecart.Ordering.Infrastructure;

/// <summary>Orders by what happened to them (placed = Pending, Confirmed, Rejected, Cancelled, Shipped), counted when
/// the status change is published, so a workflow's replays never count twice.</summary>
public static class OrderMetrics
{
    public const string MeterName = "Sidecart.Ordering";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> StatusChanges = Meter.CreateCounter<long>(
        "sidecart.orders.status_changes", "{order}", "Orders placed (Pending), confirmed, rejected, cancelled and shipped.");

    public static void Published(OrderStatusChanged change) =>
        StatusChanges.Add(1, new KeyValuePair<string, object?>("status", change.Status.ToString()));
}
