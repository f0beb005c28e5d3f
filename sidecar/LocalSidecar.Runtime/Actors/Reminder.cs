using System.Text.Json.Nodes;

namespace LocalSidecar.Actors;

/// <summary>A durable reminder as stored in the actor state store: what was registered (strings kept verbatim for the
/// callback and the GET), when it fires next and how many firings are left.</summary>
public sealed record Reminder
{
    public required string ActorType { get; init; }

    public required string ActorId { get; init; }

    public required string Name { get; init; }

    public JsonNode? Data { get; init; }

    public string DueTime { get; init; } = "";

    public string Period { get; init; } = "";

    public string Ttl { get; init; } = "";

    public required DateTimeOffset RegisteredTime { get; init; }

    public DateTimeOffset? ExpirationTime { get; init; }

    public required DateTimeOffset NextDue { get; init; }

    /// <summary>Firings left when the period has an <c>Rn/</c> count; null when unlimited.</summary>
    public int? Remaining { get; init; }

    /// <summary>Changes whenever the reminder is registered again, so a scheduler can tell a replacement from its own progress.</summary>
    public required string Revision { get; init; }

    public ActorKey Actor => new(ActorType, ActorId);

    public ActorSchedule Schedule => new(NextDue, ActorTimeParser.ParsePeriod(Period).Period, Remaining, ExpirationTime);

    public static Reminder Create(ActorKey actor, string name, ScheduleRequest request, DateTimeOffset now)
    {
        if (ActorTimeParser.HasCalendarPart(request.Period))
        {
            throw new FormatException($"unsupported period format: {request.Period}");
        }

        var schedule = ActorSchedule.Parse(request.DueTime, request.Period, request.Ttl, now);
        return new Reminder
        {
            ActorType = actor.Type,
            ActorId = actor.Id,
            Name = name,
            Data = request.Data?.DeepClone(),
            DueTime = request.DueTime ?? "",
            Period = request.Period ?? "",
            Ttl = request.Ttl ?? "",
            RegisteredTime = now,
            ExpirationTime = schedule.Expiry,
            NextDue = schedule.FirstDue,
            Remaining = schedule.Repetitions,
            Revision = Guid.NewGuid().ToString("N"),
        };
    }

    /// <summary>The body of <c>GET /v1.0/actors/{type}/{id}/reminders/{name}</c>.</summary>
    public JsonObject ToApiJson()
    {
        var json = new JsonObject
        {
            ["actorID"] = ActorId,
            ["actorType"] = ActorType,
            ["name"] = Name,
            ["data"] = Data?.DeepClone(),
            ["dueTime"] = DueTime,
            ["period"] = Period,
            ["registeredTime"] = Rfc3339(RegisteredTime),
        };
        if (ExpirationTime is { } expiry)
        {
            json["expirationTime"] = Rfc3339(expiry);
        }

        return json;
    }

    /// <summary>The body of the reminder callback (§5.4). daprd's default, scheduler-backed reminders (SchedulerReminders,
    /// on since 1.15) fire with the data only: <c>dueTime</c> and <c>period</c> are empty and <c>data</c> is left out
    /// when none was registered (dapr/dapr pkg/runtime/scheduler/internal/cluster/streamer.go, invokeActorReminder;
    /// tests/integration/suite/actors/reminders/scheduler/hdata.go).</summary>
    public JsonObject CallbackBody()
    {
        var body = new JsonObject();
        if (Data is not null)
        {
            body["data"] = Data.DeepClone();
        }

        body["dueTime"] = "";
        body["period"] = "";
        return body;
    }

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The body of a reminder or timer registration: <c>{"dueTime","period","ttl","data","callback"}</c>.</summary>
public sealed record ScheduleRequest(string? DueTime, string? Period, string? Ttl, JsonNode? Data, string? Callback)
{
    /// <summary>Throws <see cref="FormatException"/> when the body is not a JSON object or a field has the wrong type.</summary>
    public static ScheduleRequest Parse(byte[] body)
    {
        JsonNode? root;
        try
        {
            root = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException(e.Message, e);
        }

        if (root is not JsonObject json)
        {
            throw new FormatException("the body must be a JSON object");
        }

        return new ScheduleRequest(Text(json, "dueTime"), Text(json, "period"), Text(json, "ttl"), json["data"]?.DeepClone(), Text(json, "callback"));
    }

    private static string? Text(JsonObject json, string name) => json[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => throw new FormatException($"'{name}' must be a string"),
    };
}
