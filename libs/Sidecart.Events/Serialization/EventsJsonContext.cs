using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecart.Events;

// camelCase, as the same records are written by the Python service: {"id","topic","receivedAt","reason","event"}.
// The library reads and writes its state as bytes with this context, so it never depends on the app's DaprClient
// serializer options.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(IReadOnlyList<DeadLetter>))]
[JsonSerializable(typeof(DeadLetterIndex))]
[JsonSerializable(typeof(ProcessedEventMarker))]
[JsonSerializable(typeof(string))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;
