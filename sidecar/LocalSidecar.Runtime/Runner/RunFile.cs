using System.Globalization;
using LocalSidecar.Components;
using Microsoft.Extensions.Logging;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LocalSidecar.Runner;

/// <summary>A Dapr Multi-App Run file (<c>dapr.yaml</c>), read as the dapr CLI reads it: <c>common</c> fields apply
/// to apps that leave them unset, <c>appDirPath</c> and <c>common</c> paths are relative to the file, other app
/// paths to <c>appDirPath</c>, and every referenced path must exist. Unknown keys are ignored. Errors name the file,
/// the line and the field.</summary>
public sealed record RunFile(string FilePath, string? Name, IReadOnlyList<RunAppSpec> Apps)
{
    public const string DefaultFileName = "dapr.yaml";

    private static readonly string[] Protocols = ["http", "grpc", "https", "grpcs", "h2c"];

    /// <summary>The dapr CLI's home folder (<c>~/.dapr</c>), the last resort for resources and configuration.</summary>
    public static string DefaultDaprHome => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dapr");

    /// <summary>Loads <paramref name="path"/>, a run file or a folder holding <c>dapr.yaml</c>.</summary>
    public static RunFile Load(string path, string? daprHome = null)
    {
        var file = Path.GetFullPath(Directory.Exists(path) ? Path.Combine(path, DefaultFileName) : path);
        if (!File.Exists(file))
        {
            throw new ResourceException(file, null, "run file not found");
        }

        var root = ReadRoot(file);
        var version = Integer(root, "version") ?? throw root.Error("version", "is required");
        if (version <= 0)
        {
            throw root.Error("version", $"must be a positive number, found {version}");
        }

        var baseDir = Path.GetDirectoryName(file)!;
        var common = root.Mapping("common");
        var commonResources = common is null ? [] : ExistingFolders(common, baseDir);
        var commonConfig = common is null ? null : ExistingFile(common, "configFilePath", baseDir);
        var appNodes = root.MappingSequence("apps");
        if (appNodes.Count == 0)
        {
            throw root.Error("apps", "lists no apps: add at least one entry with an appDirPath");
        }

        var home = daprHome ?? DefaultDaprHome;
        var apps = appNodes.Select(app => ReadApp(app, common, baseDir, commonResources, commonConfig, home)).ToList();
        var duplicate = apps.GroupBy(a => a.AppId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw root.Error("apps", $"app id '{duplicate.Key}' is used by more than one app");
        }

        return new RunFile(file, root.String("name"), apps);
    }

    private static YamlNodes ReadRoot(string file)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ResourceException($"{file}:{e.Start.Line}", null, $"invalid YAML: {e.Message}");
        }

        return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode mapping
            ? new YamlNodes(file, mapping, "")
            : throw new ResourceException(file, null, "expected one YAML document with version, common and apps");
    }

    private static RunAppSpec ReadApp(YamlNodes app, YamlNodes? common, string baseDir, List<string> commonResources, string? commonConfig, string daprHome)
    {
        var appDir = Absolute(baseDir, app.RequiredString("appDirPath"));
        if (!Directory.Exists(appDir))
        {
            throw app.Error("appDirPath", $"folder '{appDir}' does not exist");
        }

        var appId = app.String("appID") ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(appDir));
        var appResources = ExistingFolders(app, appDir);
        var localResources = Path.Combine(appDir, ".dapr", "resources");
        var homeResources = Path.Combine(daprHome, "components");
        IReadOnlyList<string> resources =
            appResources.Count > 0 ? appResources
            : Directory.Exists(localResources) ? [localResources]
            : commonResources.Count > 0 ? commonResources
            : Directory.Exists(homeResources) ? [homeResources]
            : [];

        var localConfig = Path.Combine(appDir, ".dapr", "config.yaml");
        var homeConfig = Path.Combine(daprHome, "config.yaml");
        var config = ExistingFile(app, "configFilePath", appDir)
            ?? (File.Exists(localConfig) ? localConfig : null)
            ?? commonConfig
            ?? (File.Exists(homeConfig) ? homeConfig : null);

        var protocol = Shared(app, common, "appProtocol", n => n.String("appProtocol")) ?? "http";
        if (!Protocols.Contains(protocol, StringComparer.Ordinal))
        {
            throw SharedError(app, common, "appProtocol", $"'{protocol}' is not one of {string.Join(", ", Protocols)}");
        }

        if (protocol != "http")
        {
            throw SharedError(app, common, "appProtocol", $"'{protocol}' is not supported by the local sidecar (only http)");
        }

        var env = new Dictionary<string, string>(common?.StringMap("env") ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, value) in app.StringMap("env"))
        {
            env[name] = value;
        }

        return new RunAppSpec
        {
            AppId = appId,
            AppDirPath = appDir,
            AppPort = Port(app, "appPort") is { } port and > 0 ? port : null,
            DaprHttpPort = Port(app, "daprHTTPPort") is { } httpPort and > 0 ? httpPort : null,
            DaprGrpcPort = Port(app, "daprGRPCPort") is { } grpcPort and > 0 ? grpcPort : null,
            MetricsPort = Port(app, "metricsPort") is { } metricsPort and > 0 ? metricsPort : null,
            AppProtocol = protocol,
            AppChannelAddress = app.String("appChannelAddress") ?? "127.0.0.1",
            Command = app.StringSequence("command"),
            Env = env,
            ResourcesPaths = resources,
            ConfigFilePath = config,
            EnableAppHealthCheck = Shared(app, common, "enableAppHealthCheck", n => n.Raw("enableAppHealthCheck") is null ? (bool?)null : n.Bool("enableAppHealthCheck", false)) ?? false,
            AppHealthCheckPath = Shared(app, common, "appHealthCheckPath", n => n.String("appHealthCheckPath")) ?? "/healthz",
            AppHealthProbeInterval = TimeSpan.FromSeconds(Shared(app, common, "appHealthProbeInterval", n => Positive(n, "appHealthProbeInterval")) ?? 5),
            AppHealthProbeTimeout = TimeSpan.FromMilliseconds(Shared(app, common, "appHealthProbeTimeout", n => Positive(n, "appHealthProbeTimeout")) ?? 500),
            AppHealthThreshold = Shared(app, common, "appHealthThreshold", n => Positive(n, "appHealthThreshold")) ?? 3,
            LogLevel = Shared(app, common, "logLevel", n => n.String("logLevel") is { } level ? Level(n, level) : (LogLevel?)null) ?? LogLevel.Information,
        };
    }

    /// <summary>A shared field: the app's value, else <c>common</c>'s.</summary>
    private static T? Shared<T>(YamlNodes app, YamlNodes? common, string key, Func<YamlNodes, T?> read) =>
        read(app) ?? (common is null ? default : read(common));

    private static ResourceException SharedError(YamlNodes app, YamlNodes? common, string key, string problem) =>
        app.Raw(key) is null && common is not null ? common.Error(key, problem) : app.Error(key, problem);

    /// <summary><c>resourcesPath</c> (deprecated, one folder) and <c>resourcesPaths</c>, resolved and checked.</summary>
    private static List<string> ExistingFolders(YamlNodes node, string relativeTo)
    {
        var result = new List<string>();
        if (node.String("resourcesPath") is { Length: > 0 } single)
        {
            result.Add(ExistingFolder(node, "resourcesPath", single, relativeTo));
        }

        result.AddRange(node.StringSequence("resourcesPaths").Select(p => ExistingFolder(node, "resourcesPaths", p, relativeTo)));
        return result;
    }

    private static string ExistingFolder(YamlNodes node, string key, string value, string relativeTo)
    {
        var path = Absolute(relativeTo, value);
        return Directory.Exists(path) ? path : throw node.Error(key, $"folder '{path}' does not exist");
    }

    private static string? ExistingFile(YamlNodes node, string key, string relativeTo)
    {
        if (node.String(key) is not { Length: > 0 } value)
        {
            return null;
        }

        var path = Absolute(relativeTo, value);
        return File.Exists(path) ? path : throw node.Error(key, $"file '{path}' does not exist");
    }

    private static string Absolute(string relativeTo, string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
        }

        return Path.GetFullPath(path, relativeTo);
    }

    private static int? Integer(YamlNodes node, string key) =>
        node.String(key) is not { } value ? null
        : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
        : throw node.Error(key, $"'{value}' is not a whole number");

    private static int? Port(YamlNodes node, string key) =>
        Integer(node, key) is { } port && port is < 0 or > 65535 ? throw node.Error(key, $"{port} is not a port number") : Integer(node, key);

    private static int? Positive(YamlNodes node, string key) =>
        Integer(node, key) is { } n && n <= 0 ? throw node.Error(key, $"must be greater than 0, found {n}") : Integer(node, key);

    private static LogLevel Level(YamlNodes node, string value) => value.ToLowerInvariant() switch
    {
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" => LogLevel.Critical,
        _ => throw node.Error("logLevel", $"'{value}' is not one of debug, info, warn, error, fatal"),
    };
}
