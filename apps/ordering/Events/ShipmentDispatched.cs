namespace Sidecart.Ordering.Events;

/// <summary>Published by shipping to topic <c>shipments</c>; contract: <c>docs/schemas/shipment-dispatched.schema.json</c>.</summary>
public sealed record ShipmentDispatched(string OrderId, string ShipmentId, string Carrier, string TrackingNumber, DateTimeOffset DispatchedAt)
{
    public const string Topic = "shipments";
    public const string DeadLetterTopic = "shipments-dlq";
    public const string SchemaFile = "shipment-dispatched.schema.json";
}
