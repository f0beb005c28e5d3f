using System.Text.Json;
using System.Text.Json.Serialization;
using Sidecart.Ordering.Actors;
using Sidecart.Ordering.Apis;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Model;
using Sidecart.Ordering.Services;

namespace Sidecart.Ordering;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(OrderAccepted))]
[JsonSerializable(typeof(PlaceOrderRequest))]
[JsonSerializable(typeof(ValidOrderRequest))]
[JsonSerializable(typeof(OrderStatusChanged))]
[JsonSerializable(typeof(ShipmentDispatched))]
[JsonSerializable(typeof(IdempotencyRecord))]
[JsonSerializable(typeof(SkuReserveRequest))]
[JsonSerializable(typeof(SkuOrderRequest))]
[JsonSerializable(typeof(SkuReservationResult))]
[JsonSerializable(typeof(PaymentAuthorization))]
[JsonSerializable(typeof(PaymentRefund))]
[JsonSerializable(typeof(PaymentResult))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class OrderingJsonContext : JsonSerializerContext;
