using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LocalSidecar.Actors;
using LocalSidecar.NameResolution;

namespace LocalSidecar;

/// <summary>Every type the sidecar serialises with System.Text.Json, generated at build time so that the sidecar needs
/// no reflection and can be compiled ahead of time (see the README's native sidecar).</summary>
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonArray))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(SidecarAddress))]
internal sealed partial class SidecarJsonContext : JsonSerializerContext;

/// <summary>Reminders as the actor state store keeps them (camelCase property names).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Reminder))]
[JsonSerializable(typeof(List<Reminder>))]
internal sealed partial class ReminderJsonContext : JsonSerializerContext;
