using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecart.Dapr.AspNetCore.DeadLetters;

// camelCase, as the same records are written by the Python service: {"id","topic","receivedAt","reason","event"}.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(IReadOnlyList<DeadLetter>))]
[JsonSerializable(typeof(DeadLetterIndex))]
[JsonSerializable(typeof(string))]
internal sealed partial class DeadLetterJsonContext : JsonSerializerContext;
