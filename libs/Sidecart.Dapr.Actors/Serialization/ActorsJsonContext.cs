using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecart.Dapr.Actors.Serialization;

/// <summary>The host's own wire shapes, plus the primitives an actor method commonly takes or returns, so an app's
/// context need only list its own types.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ActorConfigWire))]
[JsonSerializable(typeof(ReminderCallbackWire))]
[JsonSerializable(typeof(TimerCallbackWire))]
[JsonSerializable(typeof(ActorErrorWire))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonElement?))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(TimeSpan))]
internal sealed partial class ActorsJsonContext : JsonSerializerContext;
