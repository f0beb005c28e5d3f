using LocalSidecar.Resiliency;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LocalSidecar.Components;

/// <summary>Reads Component, Subscription and Resiliency resources from the <c>--resources-path</c> folders,
/// as daprd does in self-hosted mode: every <c>.yaml</c>/<c>.yml</c> file of each folder, multi-document files allowed.
/// Other kinds (Configuration, HTTPEndpoint...) are skipped. Anything malformed stops loading with a message
/// that names the file, the line and the field.</summary>
public static class ResourceLoader
{
    public static ResourceSet LoadPaths(IEnumerable<string> paths)
    {
        var components = new List<ComponentSpec>();
        var subscriptions = new List<SubscriptionSpec>();
        var resiliencies = new List<ResiliencySpec>();
        foreach (var path in paths)
        {
            foreach (var file in FilesIn(path))
            {
                var set = LoadFile(file);
                components.AddRange(set.Components);
                subscriptions.AddRange(set.Subscriptions);
                resiliencies.AddRange(set.Resiliencies);
            }
        }

        var duplicate = components.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ResourceException(duplicate.Last().SourceFile, "metadata.name",
                $"component '{duplicate.Key}' is already defined in {duplicate.First().SourceFile}");
        }

        return new ResourceSet(components, subscriptions, resiliencies);
    }

    public static ResourceSet LoadFile(string file)
    {
        var components = new List<ComponentSpec>();
        var subscriptions = new List<SubscriptionSpec>();
        var resiliencies = new List<ResiliencySpec>();
        foreach (var doc in ReadDocuments(file))
        {
            var kind = doc.String("kind");
            switch (kind)
            {
                case "Component":
                    components.Add(ReadComponent(doc));
                    break;
                case "Subscription":
                    subscriptions.Add(ReadSubscription(doc));
                    break;
                case "Resiliency":
                    resiliencies.Add(ReadResiliency(doc));
                    break;
                case null:
                    throw doc.Error("kind", "is required (Component, Subscription, Resiliency, Configuration, HTTPEndpoint)");
                default:
                    break;
            }
        }

        return new ResourceSet(components, subscriptions, resiliencies);
    }

    internal static IEnumerable<YamlNodes> ReadDocuments(string file)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ResourceException(file, null, $"is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.InnerException?.Message ?? e.Message}");
        }

        foreach (var document in stream.Documents)
        {
            switch (document.RootNode)
            {
                case YamlMappingNode mapping:
                    yield return new YamlNodes(file, mapping, "");
                    break;
                case YamlScalarNode { Value: null or "" }:
                    break;
                default:
                    throw new ResourceException(file, null, $"line {document.RootNode.Start.Line}: a resource must be a YAML mapping with apiVersion, kind, metadata and spec");
            }
        }
    }

    private static IEnumerable<string> FilesIn(string path)
    {
        if (File.Exists(path))
        {
            return [path];
        }

        if (!Directory.Exists(path))
        {
            throw new ResourceException($"resources path '{path}' does not exist");
        }

        return Directory.EnumerateFiles(path)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
    }

    private static ComponentSpec ReadComponent(YamlNodes doc)
    {
        var metadata = doc.Mapping("metadata") ?? throw doc.Error("metadata", "is required (metadata.name names the component)");
        var spec = doc.Mapping("spec") ?? throw doc.Error("spec", "is required");
        var items = spec.MappingSequence("metadata").Select(ReadMetadataItem).ToList();
        return new ComponentSpec(
            Name: metadata.RequiredString("name"),
            Type: spec.RequiredString("type"),
            Version: spec.String("version") ?? "v1",
            Metadata: items,
            Scopes: doc.StringSequence("scopes"),
            AuthSecretStore: doc.Mapping("auth")?.String("secretStore"),
            IgnoreErrors: spec.Bool("ignoreErrors", false),
            SourceFile: doc.File);
    }

    private static MetadataItem ReadMetadataItem(YamlNodes item)
    {
        var name = item.RequiredString("name");
        var secretRef = item.Mapping("secretKeyRef");
        SecretKeyRef? secret = null;
        if (secretRef is { } s)
        {
            var secretName = s.RequiredString("name");
            secret = new SecretKeyRef(secretName, s.String("key") is { Length: > 0 } key ? key : secretName);
        }

        return new MetadataItem(name, item.String("value"), secret, item.String("envRef"));
    }

    private static SubscriptionSpec ReadSubscription(YamlNodes doc)
    {
        var spec = doc.Mapping("spec") ?? throw doc.Error("spec", "is required");
        var rules = new List<RoutingRule>();
        if (spec.Mapping("routes") is { } routes)
        {
            foreach (var rule in routes.MappingSequence("rules"))
            {
                rules.Add(new RoutingRule(rule.String("match") ?? "", rule.RequiredString("path")));
            }

            if (routes.String("default") is { Length: > 0 } fallback)
            {
                rules.Add(new RoutingRule("", fallback));
            }
        }
        else if (spec.String("route") is { Length: > 0 } route)
        {
            rules.Add(new RoutingRule("", route));
        }

        if (rules.Count == 0)
        {
            throw spec.Error("routes", "a subscription needs spec.routes (rules and/or default) or, in v1alpha1, spec.route");
        }

        return new SubscriptionSpec(
            PubsubName: spec.RequiredString("pubsubname"),
            Topic: spec.RequiredString("topic"),
            Rules: rules,
            DeadLetterTopic: spec.String("deadLetterTopic") is { Length: > 0 } dlq ? dlq : null,
            Metadata: spec.StringMap("metadata"),
            Scopes: doc.StringSequence("scopes"),
            Kind: SubscriptionKind.Declarative);
    }

    private static ResiliencySpec ReadResiliency(YamlNodes doc)
    {
        var name = doc.Mapping("metadata")?.String("name") ?? "";
        var spec = doc.Mapping("spec") ?? throw doc.Error("spec", "is required");
        var policies = spec.Mapping("policies");
        var timeouts = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var retries = new Dictionary<string, RetryPolicy>(StringComparer.Ordinal);
        var circuitBreakers = new Dictionary<string, CircuitBreakerPolicy>(StringComparer.Ordinal);
        if (policies is { } p)
        {
            if (p.Mapping("circuitBreakers") is { } cb)
            {
                foreach (var key in cb.Keys)
                {
                    circuitBreakers[key] = ReadCircuitBreaker(cb.Mapping(key)!, key);
                }
            }

            if (p.Mapping("timeouts") is { } t)
            {
                foreach (var key in t.Keys)
                {
                    timeouts[key] = Duration(t, key, null);
                }
            }

            if (p.Mapping("retries") is { } r)
            {
                foreach (var key in r.Keys)
                {
                    retries[key] = ReadRetry(r.Mapping(key)!, key);
                }
            }
        }

        var targets = spec.Mapping("targets");
        return new ResiliencySpec(
            name,
            timeouts,
            retries,
            ReadTargets(targets?.Mapping("apps")),
            ReadComponentTargets(targets?.Mapping("components"), "inbound"),
            ReadComponentTargets(targets?.Mapping("components"), "outbound"),
            doc.StringSequence("scopes")) { CircuitBreakers = circuitBreakers };
    }

    private static CircuitBreakerPolicy ReadCircuitBreaker(YamlNodes cb, string name)
    {
        var maxRequests = cb.String("maxRequests") is { } m
            ? int.TryParse(m, out var parsed) && parsed >= 0 ? parsed : throw cb.Error("maxRequests", $"'{m}' is not a whole number")
            : 1;
        TripExpression trip;
        try
        {
            trip = cb.String("trip") is { Length: > 0 } expression ? TripExpression.Parse(expression) : TripExpression.Default;
        }
        catch (FormatException e)
        {
            throw cb.Error("trip", e.Message);
        }

        return new CircuitBreakerPolicy(name, maxRequests, Duration(cb, "interval", TimeSpan.Zero), Duration(cb, "timeout", TimeSpan.FromSeconds(60)), trip);
    }

    private static RetryPolicy ReadRetry(YamlNodes r, string name)
    {
        var kind = r.String("policy") ?? "constant";
        if (kind is not ("constant" or "exponential"))
        {
            throw r.Error("policy", $"'{kind}' is not a retry policy (constant, exponential)");
        }

        var maxRetries = r.String("maxRetries") is { } m
            ? int.TryParse(m, out var parsed) ? parsed : throw r.Error("maxRetries", $"'{m}' is not an integer")
            : -1;
        return new RetryPolicy(name, kind == "exponential", Duration(r, "duration", TimeSpan.FromSeconds(5)), Duration(r, "maxInterval", TimeSpan.FromSeconds(60)), maxRetries);
    }

    private static Dictionary<string, TargetPolicies> ReadTargets(YamlNodes? section)
    {
        var result = new Dictionary<string, TargetPolicies>(StringComparer.Ordinal);
        if (section is { } s)
        {
            foreach (var key in s.Keys)
            {
                var target = s.Mapping(key)!;
                result[key] = new TargetPolicies(target.String("timeout"), target.String("retry"), target.String("circuitBreaker"));
            }
        }

        return result;
    }

    private static Dictionary<string, TargetPolicies> ReadComponentTargets(YamlNodes? section, string direction)
    {
        var result = new Dictionary<string, TargetPolicies>(StringComparer.Ordinal);
        if (section is { } s)
        {
            foreach (var key in s.Keys)
            {
                if (s.Mapping(key)?.Mapping(direction) is { } target)
                {
                    result[key] = new TargetPolicies(target.String("timeout"), target.String("retry"), target.String("circuitBreaker"));
                }
            }
        }

        return result;
    }

    private static TimeSpan Duration(YamlNodes node, string key, TimeSpan? fallback)
    {
        var text = node.String(key);
        if (text is null)
        {
            return fallback ?? throw node.Error(key, "is required");
        }

        return GoDuration.TryParse(text, out var d) ? d : throw node.Error(key, $"'{text}' is not a duration such as 500ms, 5s or 1m");
    }
}
