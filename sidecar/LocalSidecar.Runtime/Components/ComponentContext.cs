using System.Globalization;
using LocalSidecar.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalSidecar.Components;

/// <summary>What a component sees at initialisation: its resolved metadata (secret and env refs applied),
/// the app it belongs to and the process-wide environment shared by sidecars.</summary>
public sealed class ComponentContext(
    ComponentSpec spec,
    IReadOnlyDictionary<string, string> metadata,
    string appId,
    string workingDirectory,
    SidecarEnvironment environment)
{
    public ComponentSpec Spec { get; } = spec;

    public string Name => Spec.Name;

    /// <summary>Metadata values by name; names are matched case-insensitively, as most Dapr components do.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(metadata, StringComparer.OrdinalIgnoreCase);

    public string AppId { get; } = appId;

    public SidecarEnvironment Environment { get; } = environment;

    /// <summary>The sidecar's log, for what a component reports on its own (such as discarding a message).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    public string? Optional(string name) => Metadata.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public string Required(string name) =>
        Optional(name) ?? throw Invalid(name, $"is required by component '{Name}' of type {Spec.Type}");

    public bool Bool(string name, bool fallback) =>
        Optional(name) is not { } value ? fallback
        : bool.TryParse(value, out var parsed) ? parsed
        : throw Invalid(name, $"'{value}' is not true or false");

    public int Number(string name, int fallback) =>
        Optional(name) is not { } value ? fallback
        : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw Invalid(name, $"'{value}' is not an integer");

    public TimeSpan Duration(string name, TimeSpan fallback) =>
        Optional(name) is not { } value ? fallback
        : GoDuration.TryParse(value, out var parsed) ? parsed
        : throw Invalid(name, $"'{value}' is not a duration such as 500ms, 5s or 1m");

    /// <summary>Resolves a path the way daprd does: relative paths against the sidecar's working directory
    /// (under Multi-App Run, the app's <c>appDirPath</c>).</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, workingDirectory);

    public ResourceException Invalid(string field, string problem) =>
        new(Spec.SourceFile, $"spec.metadata.{field}", problem);
}
