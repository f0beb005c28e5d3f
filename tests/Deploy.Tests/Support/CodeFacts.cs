using System.Text.Json;
using System.Text.RegularExpressions;

namespace Deploy.Tests.Support;

/// <summary>A Dapr app of dapr.yaml: its id, folder, port and Configuration file (relative to the repository root).</summary>
public sealed record DaprApp(string AppId, string Folder, int Port, string? ConfigFile);

/// <summary>One service invocation: <paramref name="Caller"/> calls <paramref name="Verb"/> <paramref name="Operation"/>
/// on <paramref name="Callee"/>; path parameters are written <c>*</c>, as an access-control operation matches them.</summary>
public sealed record Call(string Caller, string Callee, string Verb, string Operation)
{
    public override string ToString() => $"{Caller} -> {Callee}: {Verb} {Operation}";
}

/// <summary>What the code and dapr.yaml say, read from the sources: the facts every deployment file must agree with.</summary>
public static partial class CodeFacts
{
    /// <summary>The apps dapr.yaml runs with a sidecar and an app port (the stand-in provider has no app port).</summary>
    public static IReadOnlyList<DaprApp> Apps { get; } = ReadApps();

    public static IReadOnlyList<string> AppIds => Apps.Select(a => a.AppId).ToList();

    private static List<DaprApp> ReadApps()
    {
        var run = Yaml.File("dapr.yaml").Single();
        return Yaml.Maps(run, "apps")
            .Where(app => Yaml.Number(app, "appPort") is not null)
            .Select(app =>
            {
                var folder = Path.GetRelativePath(Repo.Root, Path.GetFullPath(Yaml.Str(app, "appDirPath")!, Repo.Root)).Replace('\\', '/');
                var config = Yaml.Str(app, "configFilePath") is { } c
                    ? Path.GetRelativePath(Repo.Root, Path.GetFullPath(c, Repo.PathOf(folder))).Replace('\\', '/')
                    : null;
                return new DaprApp(Yaml.Str(app, "appID")!, folder, Yaml.Number(app, "appPort")!.Value, config);
            })
            .ToList();
    }

    /// <summary>Source files of an app folder (C# and Python, build output and tests left out).</summary>
    public static IEnumerable<string> SourceFiles(string folder) =>
        Repo.Files.Where(f => f.StartsWith(folder + "/", StringComparison.Ordinal) && (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".py", StringComparison.Ordinal)))
            .Where(f => !f.Contains("/tests/", StringComparison.Ordinal));

    /// <summary>Every service invocation the apps make. A C# invocation client is a class with <c>const string AppId</c>
    /// whose HttpClient goes through Dapr's InvocationHandler: its calls are literal paths (<c>PostAsJsonAsync("payments/refund", …)</c>)
    /// or methods of a client NSwag generated from the callee's OpenAPI document (docs/openapi/&lt;callee&gt;.json).
    /// Any other way of invoking (DaprClient.InvokeMethod…, a /v1.0/invoke/ URL, the dapr-app-id header) is reported in
    /// <paramref name="unrecognized"/>, so a new call cannot slip past the access-control check.</summary>
    public static IReadOnlyList<Call> Invocations(out IReadOnlyList<string> unrecognized)
    {
        var calls = new List<Call>();
        var unknown = new List<string>();
        foreach (var app in Apps.Select(a => (AppId: a.AppId, Folder: a.Folder)).Append((AppId: "payment-provider", Folder: "apps/payment-provider")))
        {
            foreach (var file in SourceFiles(app.Folder))
            {
                var text = Repo.Read(file);
                if (ClientAppId().Match(text) is { Success: true } client)
                {
                    calls.AddRange(ClientCalls(app.AppId, client.Groups[1].Value, text));
                    continue;
                }

                foreach (Match m in OtherInvocation().Matches(text))
                {
                    unknown.Add($"{file}: {m.Value}");
                }
            }
        }

        unrecognized = unknown;
        return calls.Distinct().ToList();
    }

    private static IEnumerable<Call> ClientCalls(string caller, string callee, string text)
    {
        foreach (Match m in LiteralCall().Matches(text))
        {
            yield return new Call(caller, callee, m.Groups[1].Value.ToUpperInvariant(), "/" + m.Groups[3].Value.TrimStart('/'));
        }

        var openApi = $"docs/openapi/{callee}.json";
        if (!File.Exists(Repo.PathOf(openApi)))
        {
            yield break;
        }

        using var document = JsonDocument.Parse(Repo.Read(openApi));
        var operations = new Dictionary<string, (string Verb, string Path)>(StringComparer.Ordinal);
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var verb in path.Value.EnumerateObject().Where(v => v.Value.ValueKind == JsonValueKind.Object && v.Value.TryGetProperty("operationId", out _)))
            {
                operations[verb.Value.GetProperty("operationId").GetString()!] = (verb.Name.ToUpperInvariant(), PathParameter().Replace(path.Name, "*"));
            }
        }

        foreach (Match m in GeneratedCall().Matches(text))
        {
            if (operations.TryGetValue(m.Groups[1].Value, out var operation))
            {
                yield return new Call(caller, callee, operation.Verb, operation.Path);
            }
        }
    }

    /// <summary>Topics the apps publish or subscribe to (constants named …Topic / …TOPIC), with the dead-letter topic
    /// (<c>&lt;topic&gt;-dlq</c>) of each.</summary>
    public static IReadOnlySet<string> Topics()
    {
        var topics = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Apps.SelectMany(a => SourceFiles(a.Folder)))
        {
            foreach (Match m in TopicConstant().Matches(Repo.Read(file)))
            {
                var topic = m.Groups[1].Value;
                topics.Add(topic);
                if (!topic.EndsWith("-dlq", StringComparison.Ordinal))
                {
                    topics.Add(topic + "-dlq");
                }
            }
        }

        return topics;
    }

    /// <summary>The Dapr components an app uses, by name: a literal name in its sources or settings, the state store
    /// behind Sidecart.Events' dead letters and idempotency markers when it references that library, and the actor state
    /// store when it hosts actors or workflows.</summary>
    public static IReadOnlySet<string> ComponentsUsedBy(DaprApp app, IEnumerable<string> componentNames, string actorStateStore)
    {
        var used = new SortedSet<string>(StringComparer.Ordinal);
        var files = SourceFiles(app.Folder)
            .Concat(Repo.Files.Where(f => f.StartsWith(app.Folder + "/", StringComparison.Ordinal) && (f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))))
            .Select(Repo.Read).ToList();
        foreach (var name in componentNames)
        {
            if (files.Any(text => text.Contains($"\"{name}\"", StringComparison.Ordinal)))
            {
                used.Add(name);
            }
        }

        if (files.Any(text => text.Contains("Sidecart.Events.csproj", StringComparison.Ordinal) || text.Contains("AddActors", StringComparison.Ordinal) || text.Contains("AddDaprWorkflow", StringComparison.Ordinal)))
        {
            used.Add(actorStateStore);
        }

        return used;
    }

    /// <summary>Where payments reads its provider's API key: (secret store, secret name), from its settings.</summary>
    public static (string Store, string Name) PaymentsProviderSecret()
    {
        using var settings = JsonDocument.Parse(Repo.Read("apps/payments/appsettings.json"));
        var provider = settings.RootElement.GetProperty("Payments").GetProperty("Provider");
        return (provider.GetProperty("SecretStore").GetString()!, provider.GetProperty("ApiKeySecretName").GetString()!);
    }

    [GeneratedRegex(@"public\s+const\s+string\s+AppId\s*=\s*""([^""]+)""")]
    private static partial Regex ClientAppId();

    [GeneratedRegex(@"\b(Get|Post|Put|Delete|Patch)(AsJson|FromJson)?Async\(\s*(?:\$)?""([^""{]+)""")]
    private static partial Regex LiteralCall();

    [GeneratedRegex(@"_\w+\.(\w+)Async\(")]
    private static partial Regex GeneratedCall();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathParameter();

    [GeneratedRegex(@"InvokeMethod\w*\(\s*(HttpMethod\.\w+\s*,\s*)?""[^""]+""|CreateInvokeHttpClient|CreateInvokeMethodRequest|/v1\.0/invoke/|dapr-app-id")]
    private static partial Regex OtherInvocation();

    [GeneratedRegex(@"(?:const\s+string\s+\w*Topic\w*|\b[A-Z_]*TOPIC)\s*=\s*""([^""]+)""")]
    private static partial Regex TopicConstant();
}
