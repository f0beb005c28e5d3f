using System.Text.Json;
using LocalSidecar.Components;

namespace LocalSidecar.Actors;

/// <summary>How one actor type behaves on this host, from the app's <c>GET /dapr/config</c> (§5.4), with the
/// type's <c>entitiesConfig</c> entry taking precedence over the top-level values.</summary>
public sealed record ActorTypeSettings(
    TimeSpan IdleTimeout,
    TimeSpan DrainOngoingCallTimeout,
    bool DrainRebalancedActors,
    bool ReentrancyEnabled,
    int MaxStackDepth)
{
    public static ActorTypeSettings Default { get; } = new(TimeSpan.FromMinutes(60), TimeSpan.FromSeconds(60), true, false, 32);
}

/// <summary>The app's answer to <c>GET /dapr/config</c>: the actor types it hosts and their settings.</summary>
public sealed class ActorHostConfig
{
    private readonly Dictionary<string, ActorTypeSettings> _settings;

    private ActorHostConfig(IReadOnlyList<string> entities, Dictionary<string, ActorTypeSettings> settings, ActorTypeSettings defaults)
    {
        Entities = entities;
        _settings = settings;
        Defaults = defaults;
    }

    public static ActorHostConfig None { get; } = new([], new Dictionary<string, ActorTypeSettings>(StringComparer.Ordinal), ActorTypeSettings.Default);

    public IReadOnlyList<string> Entities { get; }

    public ActorTypeSettings Defaults { get; }

    public bool Hosts(string actorType) => Entities.Contains(actorType, StringComparer.Ordinal);

    public ActorTypeSettings For(string actorType) => _settings.GetValueOrDefault(actorType, Defaults);

    /// <summary>Parses the JSON body. Throws <see cref="FormatException"/> when it is not a JSON object or a duration is malformed.</summary>
    public static ActorHostConfig Parse(string json)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"/dapr/config is not valid JSON: {e.Message}", e);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("/dapr/config must answer a JSON object");
        }

        var defaults = ReadSettings(root, ActorTypeSettings.Default);
        var entities = Strings(root, "entities");
        var settings = new Dictionary<string, ActorTypeSettings>(StringComparer.Ordinal);
        if (root.TryGetProperty("entitiesConfig", out var entitiesConfig) && entitiesConfig.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in entitiesConfig.EnumerateArray())
            {
                var entrySettings = ReadSettings(entry, defaults);
                foreach (var type in Strings(entry, "entities"))
                {
                    settings[type] = entrySettings;
                }
            }
        }

        return new ActorHostConfig(entities, settings, defaults);
    }

    private static ActorTypeSettings ReadSettings(JsonElement element, ActorTypeSettings inherited)
    {
        var reentrancyEnabled = inherited.ReentrancyEnabled;
        var maxStackDepth = inherited.MaxStackDepth;
        if (element.TryGetProperty("reentrancy", out var reentrancy) && reentrancy.ValueKind == JsonValueKind.Object)
        {
            if (reentrancy.TryGetProperty("enabled", out var enabled) && enabled.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                reentrancyEnabled = enabled.GetBoolean();
            }

            if (reentrancy.TryGetProperty("maxStackDepth", out var depth) && depth.TryGetInt32(out var parsedDepth) && parsedDepth > 0)
            {
                maxStackDepth = parsedDepth;
            }
        }

        var drainRebalanced = inherited.DrainRebalancedActors;
        if (element.TryGetProperty("drainRebalancedActors", out var drain) && drain.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            drainRebalanced = drain.GetBoolean();
        }

        return new ActorTypeSettings(
            Duration(element, "actorIdleTimeout", inherited.IdleTimeout),
            Duration(element, "drainOngoingCallTimeout", inherited.DrainOngoingCallTimeout),
            drainRebalanced,
            reentrancyEnabled,
            maxStackDepth);
    }

    private static TimeSpan Duration(JsonElement element, string name, TimeSpan fallback)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            return fallback;
        }

        return GoDuration.TryParse(text, out var duration) && duration > TimeSpan.Zero
            ? duration
            : throw new FormatException($"/dapr/config: {name} '{text}' is not a positive Go duration");
    }

    private static List<string> Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList()
            : [];
}
