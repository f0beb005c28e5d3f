using System.Text.Json.Serialization;
using Sidecart.Dapr.AspNetCore.Idempotency;

namespace Sidecart.Dapr.AspNetCore.Serialization;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<DaprSubscriptionWire>))]
[JsonSerializable(typeof(TopicResponse))]
[JsonSerializable(typeof(ProcessedEventMarker))]
internal sealed partial class DaprAspNetCoreJsonContext : JsonSerializerContext;
