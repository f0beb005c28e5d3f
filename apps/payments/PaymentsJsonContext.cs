using System.Text.Json;
using System.Text.Json.Serialization;
using Sidecart.Payments.Infrastructure;
using Sidecart.Payments.Model;

namespace Sidecart.Payments;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AuthorizeRequest))]
[JsonSerializable(typeof(AuthorizeResponse))]
[JsonSerializable(typeof(RefundRequest))]
[JsonSerializable(typeof(RefundResponse))]
[JsonSerializable(typeof(PaymentRecord))]
[JsonSerializable(typeof(ProviderAuthorizationRequest))]
[JsonSerializable(typeof(ProviderAuthorization))]
[JsonSerializable(typeof(ProviderRefundRequest))]
[JsonSerializable(typeof(ProviderRefund))]
[JsonSerializable(typeof(ProviderStatus))]
public sealed partial class PaymentsJsonContext : JsonSerializerContext;
