using System.Text.Json;
using System.Text.Json.Serialization;
using Sidecart.PaymentProvider.Model;

namespace Sidecart.PaymentProvider;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AuthorizationRequest))]
[JsonSerializable(typeof(Authorization))]
[JsonSerializable(typeof(RefundRequest))]
[JsonSerializable(typeof(Refund))]
[JsonSerializable(typeof(BehaviourChange))]
[JsonSerializable(typeof(Behaviour))]
[JsonSerializable(typeof(ProviderStats))]
[JsonSerializable(typeof(IReadOnlyList<LedgerEntry>))]
public sealed partial class ProviderJsonContext : JsonSerializerContext;
