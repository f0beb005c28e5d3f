using System.Text.Json.Serialization;

namespace Sidecart.Dapr.Actors.Tests.Actors;

[JsonSerializable(typeof(ReserveRequest))]
[JsonSerializable(typeof(ReservationResult))]
[JsonSerializable(typeof(Dictionary<string, int>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, int>))]
internal sealed partial class TestActorsJsonContext : JsonSerializerContext;
