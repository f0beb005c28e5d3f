using System.Text.Json.Serialization;

namespace Sidecart.Dapr.Serialization;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DaprErrorBody))]
[JsonSerializable(typeof(List<StateItemWire>))]
[JsonSerializable(typeof(StateTransactionWire))]
[JsonSerializable(typeof(List<TransactionOperationWire>))]
[JsonSerializable(typeof(BulkGetRequestWire))]
[JsonSerializable(typeof(List<BulkGetItemWire>))]
[JsonSerializable(typeof(ReminderWire))]
[JsonSerializable(typeof(TimerWire))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, string>>))]
internal sealed partial class DaprWireJsonContext : JsonSerializerContext;
