using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LocalSidecar.NameResolution;

namespace LocalSidecar.Runner;

/// <summary><c>LocalSidecar publish</c>, in the spirit of <c>dapr publish</c>: publishes an event through the running
/// sidecar of <c>--publish-app-id</c>, found through name resolution, as an external producer would through any
/// sidecar. JSON data goes as <c>application/json</c>; a JSON object carrying <c>specversion</c> is sent as your own
/// CloudEvent (<c>application/cloudevents+json</c>). Exit codes: 0 published, 1 refused or unreachable, 2 bad arguments.</summary>
public static class PublishCommand
{
    public const string Usage = """
        usage: LocalSidecar publish --publish-app-id <id> --pubsub <name> --topic <topic> [--data <json> | --data-file <file>] [--metadata <json>]

          --publish-app-id, -i   the app whose running sidecar publishes (started by `run` or as a sidecar)
          --pubsub, -p           the pub/sub component name
          --topic, -t            the topic
          --data, -d             the event data, JSON
          --data-file, -f        a file holding the event data
          --metadata, -m         a JSON object of publish metadata, e.g. '{"ttlInSeconds":"60"}'
        environment: DAPR_API_TOKEN is sent as dapr-api-token when set
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, INameResolver resolver, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (args is ["--help" or "-h"])
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }

        PublishRequest request;
        try
        {
            request = PublishRequest.Parse(args);
        }
        catch (ArgumentException e)
        {
            await errors.WriteLineAsync($"{e.Message}\n{Usage}");
            return 2;
        }

        var sidecar = resolver.Resolve(request.AppId).FirstOrDefault(a => a.HttpPort > 0);
        if (sidecar is null)
        {
            await errors.WriteLineAsync($"error: no running sidecar for app id '{request.AppId}' (start it with `make run` or as a sidecar first)");
            return 1;
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url(sidecar.HttpPort))
        {
            Content = new StringContent(request.Data, Encoding.UTF8),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType);
        if (Environment.GetEnvironmentVariable("DAPR_API_TOKEN") is { Length: > 0 } token)
        {
            message.Headers.Add("dapr-api-token", token);
        }

        try
        {
            using var response = await client.SendAsync(message, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                await output.WriteLineAsync($"Event published to topic '{request.Topic}' on '{request.PubSub}' through the sidecar of '{request.AppId}'");
                return 0;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            await errors.WriteLineAsync($"error: publishing failed with {(int)response.StatusCode}: {body}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            await errors.WriteLineAsync($"error: the sidecar of '{request.AppId}' did not answer: {e.Message}");
            return 1;
        }
    }

    private sealed record PublishRequest(string AppId, string PubSub, string Topic, string Data, IReadOnlyDictionary<string, string> Metadata)
    {
        public string ContentType => IsCloudEvent(Data) ? "application/cloudevents+json" : "application/json";

        public static PublishRequest Parse(IReadOnlyList<string> args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < args.Count; i++)
            {
                var name = args[i] switch
                {
                    "--publish-app-id" or "-i" => "app",
                    "--pubsub" or "-p" => "pubsub",
                    "--topic" or "-t" => "topic",
                    "--data" or "-d" => "data",
                    "--data-file" or "-f" => "file",
                    "--metadata" or "-m" => "metadata",
                    var other => throw new ArgumentException($"unknown argument '{other}'"),
                };
                values[name] = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            }

            string Required(string key, string flag) =>
                values.TryGetValue(key, out var v) && v.Length > 0 ? v : throw new ArgumentException($"{flag} is required");

            if (values.ContainsKey("data") && values.ContainsKey("file"))
            {
                throw new ArgumentException("give --data or --data-file, not both");
            }

            var data = values.TryGetValue("file", out var file)
                ? File.Exists(file) ? File.ReadAllText(file) : throw new ArgumentException($"--data-file '{file}' does not exist")
                : values.GetValueOrDefault("data", "");
            return new PublishRequest(Required("app", "--publish-app-id"), Required("pubsub", "--pubsub"), Required("topic", "--topic"), data,
                values.TryGetValue("metadata", out var metadata) ? ParseMetadata(metadata) : new Dictionary<string, string>());
        }

        public Uri Url(int httpPort)
        {
            var query = string.Join("&", Metadata.Select(kv => $"metadata.{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));
            return new Uri($"http://127.0.0.1:{httpPort}/v1.0/publish/{Uri.EscapeDataString(PubSub)}/{Uri.EscapeDataString(Topic)}{(query.Length > 0 ? "?" + query : "")}");
        }

        private static Dictionary<string, string> ParseMetadata(string json)
        {
            try
            {
                return JsonSerializer.Deserialize(json, SidecarJsonContext.Default.DictionaryStringString) ?? [];
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"--metadata must be a JSON object of strings: {e.Message}");
            }
        }

        private static bool IsCloudEvent(string data)
        {
            try
            {
                using var document = JsonDocument.Parse(data);
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("specversion", out _);
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}
