using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Apis;

public sealed record OrderAccepted(string OrderId, OrderStatus Status);
