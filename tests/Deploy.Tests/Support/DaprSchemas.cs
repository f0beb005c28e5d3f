using System.Text.RegularExpressions;

namespace Deploy.Tests.Support;

/// <summary>The shapes of Dapr's custom resources (Component, Configuration, Resiliency, Subscription), which Kubernetes'
/// own schemas do not know: fields, their types and what is required, as the dapr.io CRDs of the Helm chart declare them
/// (dapr-security-k8s-facts.md §5.2), plus the rules daprd adds when it loads them (access-control policies need a
/// namespace and trust domain and an explicit action, §2.1). Unknown fields are errors: the API server would prune
/// them silently and daprd would never see them.</summary>
public static partial class DaprSchemas
{
    public const string ApiVersion = "dapr.io/v1alpha1";

    private static readonly Shape Str = new Scalar(ScalarKind.String);
    private static readonly Shape Bool = new Scalar(ScalarKind.Bool);
    private static readonly Shape Int = new Scalar(ScalarKind.Int);
    private static readonly Shape Any = new AnyValue();
    private static readonly Shape Duration = new Scalar(ScalarKind.Duration);

    private static readonly Shape ObjectMeta = Obj(["name"], ("name", Str), ("namespace", Str), ("labels", new MapOf(Str)), ("annotations", new MapOf(Str)));

    private static readonly Shape ComponentShape = Root("Component",
        ("spec", Obj(["type", "version", "metadata"],
            ("type", new Scalar(ScalarKind.String, Pattern: ComponentType())),
            ("version", new Scalar(ScalarKind.String, Pattern: VersionPattern())),
            ("ignoreErrors", Bool),
            ("initTimeout", Duration),
            ("metadata", new ListOf(Obj(["name"],
                ("name", Str),
                ("value", Any),
                ("envRef", Str),
                ("secretKeyRef", Obj(["name"], ("name", Str), ("key", Str)))))))),
        ("auth", Obj(["secretStore"], ("secretStore", Str))),
        ("scopes", new ListOf(Str)));

    private static readonly Shape ConfigurationShape = Root("Configuration",
        ("spec", Obj([],
            ("tracing", Obj(["samplingRate"],
                ("samplingRate", Str),
                ("stdout", Bool),
                ("zipkin", Obj(["endpointAddress"], ("endpointAddress", Str))),
                ("otel", Obj(["endpointAddress", "isSecure", "protocol"],
                    ("endpointAddress", Str),
                    ("protocol", new Scalar(ScalarKind.String, ["grpc", "http"])),
                    ("isSecure", Bool),
                    ("headers", Any),
                    ("timeout", Duration))))),
            ("metrics", Obj(["enabled"], ("enabled", Bool), ("recordErrorCodes", Bool), ("http", Any), ("rules", Any), ("latencyDistributionBuckets", Any))),
            ("metric", Obj(["enabled"], ("enabled", Bool), ("recordErrorCodes", Bool), ("http", Any), ("rules", Any), ("latencyDistributionBuckets", Any))),
            ("mtls", Obj(["enabled", "sentryAddress", "controlPlaneTrustDomain"],
                ("enabled", Bool),
                ("sentryAddress", Str),
                ("controlPlaneTrustDomain", Str),
                ("workloadCertTTL", Duration),
                ("allowedClockSkew", Duration),
                ("tokenValidators", Any))),
            ("secrets", Obj(["scopes"],
                ("scopes", new ListOf(Obj(["storeName"],
                    ("storeName", Str),
                    ("defaultAccess", new Scalar(ScalarKind.String, ["allow", "deny"], IgnoreCase: true)),
                    ("allowedSecrets", new ListOf(Str)),
                    ("deniedSecrets", new ListOf(Str))))))),
            // namespace and trustDomain are optional to the CRD but required by daprd, which refuses to start without them.
            ("accessControl", Obj([],
                ("defaultAction", new Scalar(ScalarKind.String, ["allow", "deny"], IgnoreCase: true)),
                ("trustDomain", Str),
                ("policies", new ListOf(Obj(["appId", "namespace", "trustDomain"],
                    ("appId", Str),
                    ("namespace", Str),
                    ("trustDomain", Str),
                    ("defaultAction", new Scalar(ScalarKind.String, ["allow", "deny"], IgnoreCase: true)),
                    ("operations", new ListOf(Obj(["name", "action"],
                        ("name", new Scalar(ScalarKind.String, Pattern: OperationName())),
                        // daprd matches verbs as written: lowercase ones never match.
                        ("httpVerb", new ListOf(new Scalar(ScalarKind.String, ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "*"]))),
                        ("action", new Scalar(ScalarKind.String, ["allow", "deny"], IgnoreCase: true)))))))))),
            ("features", new ListOf(Obj(["name", "enabled"], ("name", Str), ("enabled", Bool)))),
            ("api", Any), ("components", Any), ("logging", Any), ("nameResolution", Any), ("httpPipeline", Any),
            ("appHttpPipeline", Any), ("workflow", Any), ("wasm", Any))));

    private static readonly Shape ResiliencyTarget = Obj([], ("timeout", Str), ("retry", Str), ("circuitBreaker", Str), ("circuitBreakerScope", Str), ("circuitBreakerCacheSize", Int));

    private static readonly Shape ResiliencyShape = Root("Resiliency",
        ("spec", Obj([],
            ("policies", Obj([],
                ("timeouts", new MapOf(Duration)),
                ("retries", new MapOf(Obj([],
                    ("policy", new Scalar(ScalarKind.String, ["constant", "exponential"])),
                    ("duration", Duration),
                    ("maxInterval", Duration),
                    ("maxRetries", Int),
                    ("matching", Any)))),
                ("circuitBreakers", new MapOf(Obj([], ("maxRequests", Int), ("interval", Duration), ("timeout", Duration), ("trip", Str)))))),
            ("targets", Obj([],
                ("apps", new MapOf(ResiliencyTarget)),
                ("actors", new MapOf(ResiliencyTarget)),
                ("components", new MapOf(Obj([], ("inbound", ResiliencyTarget), ("outbound", ResiliencyTarget)))))))),
        ("scopes", new ListOf(Str)));

    private static readonly Shape SubscriptionShape = Root("Subscription",
        ("spec", Obj(["pubsubname", "topic"],
            ("pubsubname", Str),
            ("topic", Str),
            ("route", Str),
            ("routes", Obj([], ("rules", new ListOf(Obj(["path"], ("match", Str), ("path", Str)))), ("default", Str))),
            ("deadLetterTopic", Str),
            ("bulkSubscribe", Any),
            ("metadata", new MapOf(Str)))),
        ("scopes", new ListOf(Str)));

    private static readonly Dictionary<string, Shape> Kinds = new(StringComparer.Ordinal)
    {
        ["Component"] = ComponentShape,
        ["Configuration"] = ConfigurationShape,
        ["Resiliency"] = ResiliencyShape,
        ["Subscription"] = SubscriptionShape,
    };

    public static bool IsDapr(Dictionary<string, object?> resource) =>
        Yaml.Str(resource, "apiVersion") is { } v && v.StartsWith("dapr.io/", StringComparison.Ordinal);

    /// <summary>What is wrong with one dapr.io resource; empty when nothing is.</summary>
    public static IReadOnlyList<string> Check(Dictionary<string, object?> resource)
    {
        var errors = new List<string>();
        var kind = Yaml.Str(resource, "kind") ?? "";
        var apiVersion = Yaml.Str(resource, "apiVersion");
        var version = kind == "Subscription" ? apiVersion is "dapr.io/v2alpha1" or ApiVersion : apiVersion == ApiVersion;
        if (!version)
        {
            errors.Add($"apiVersion: '{apiVersion}' is not a version of dapr.io's {kind}");
        }

        if (!Kinds.TryGetValue(kind, out var shape))
        {
            errors.Add($"kind: '{kind}' is not a Dapr resource these checks know (Component, Configuration, Resiliency, Subscription)");
            return errors;
        }

        shape.Check(resource, "", errors);
        if (kind == "Component")
        {
            foreach (var (item, i) in Yaml.Maps(resource, "spec", "metadata").Select((m, i) => (m, i)))
            {
                var sources = new[] { "value", "secretKeyRef", "envRef" }.Count(item.ContainsKey);
                if (sources != 1)
                {
                    errors.Add($"spec.metadata[{i}] ({Yaml.Str(item, "name")}): give exactly one of value, secretKeyRef, envRef");
                }
            }
        }

        if (kind == "Resiliency")
        {
            CheckResiliencyReferences(resource, errors);
        }

        return errors;
    }

    private static void CheckResiliencyReferences(Dictionary<string, object?> resource, List<string> errors)
    {
        var policies = Yaml.Map(resource, "spec", "policies");
        var defined = new Dictionary<string, ICollection<string>>(StringComparer.Ordinal)
        {
            ["timeout"] = Yaml.Map(policies, "timeouts").Keys,
            ["retry"] = Yaml.Map(policies, "retries").Keys,
            ["circuitBreaker"] = Yaml.Map(policies, "circuitBreakers").Keys,
        };
        var targets = Yaml.Map(resource, "spec", "targets");
        var all = Yaml.Map(targets, "apps").Select(t => ($"apps.{t.Key}", t.Value))
            .Concat(Yaml.Map(targets, "actors").Select(t => ($"actors.{t.Key}", t.Value)))
            .Concat(Yaml.Map(targets, "components").SelectMany(c => new[] { "inbound", "outbound" }
                .Where(d => Yaml.Get(c.Value, d) is not null).Select(d => ($"components.{c.Key}.{d}", Yaml.Get(c.Value, d)))));
        foreach (var (path, target) in all)
        {
            foreach (var (field, names) in defined)
            {
                if (Yaml.Str(target, field) is { } name && !names.Contains(name))
                {
                    errors.Add($"spec.targets.{path}.{field}: no {field} policy named '{name}' in spec.policies");
                }
            }
        }
    }

    private static ObjectShape Root(string kind, params (string, Shape)[] fields) =>
        Obj(["apiVersion", "kind", "metadata"], [("apiVersion", Str), ("kind", new Scalar(ScalarKind.String, [kind])), ("metadata", ObjectMeta), .. fields]);

    private static ObjectShape Obj(string[] required, params (string Name, Shape Shape)[] fields) =>
        new(fields.ToDictionary(f => f.Name, f => f.Shape, StringComparer.Ordinal), required);

    [GeneratedRegex(@"^(state|pubsub|bindings|secretstores|configuration|lock|middleware\.http|nameresolution|conversation|crypto|workflow)\.[a-z0-9][a-z0-9.\-]*$")]
    private static partial Regex ComponentType();

    [GeneratedRegex(@"^v[0-9]+$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^/")]
    private static partial Regex OperationName();

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex GoDuration();

    private enum ScalarKind
    {
        String,
        Bool,
        Int,
        Duration,
    }

    private abstract record Shape
    {
        public abstract void Check(object? value, string path, List<string> errors);

        protected static string At(string path) => path.Length == 0 ? "(root)" : path;

        protected static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
    }

    private sealed record ObjectShape(Dictionary<string, Shape> Fields, string[] Required) : Shape
    {
        public override void Check(object? value, string path, List<string> errors)
        {
            if (value is not Dictionary<string, object?> map)
            {
                errors.Add($"{At(path)}: expected a mapping");
                return;
            }

            foreach (var missing in Required.Where(r => !map.ContainsKey(r) || map[r] is null))
            {
                errors.Add($"{Join(path, missing)}: is required");
            }

            foreach (var (key, item) in map)
            {
                if (!Fields.TryGetValue(key, out var shape))
                {
                    errors.Add($"{Join(path, key)}: unknown field (known: {string.Join(", ", Fields.Keys)})");
                }
                else if (item is not null)
                {
                    shape.Check(item, Join(path, key), errors);
                }
            }
        }
    }

    private sealed record MapOf(Shape Value) : Shape
    {
        public override void Check(object? value, string path, List<string> errors)
        {
            if (value is not Dictionary<string, object?> map)
            {
                errors.Add($"{At(path)}: expected a mapping");
                return;
            }

            foreach (var (key, item) in map)
            {
                Value.Check(item, Join(path, key), errors);
            }
        }
    }

    private sealed record ListOf(Shape Item) : Shape
    {
        public override void Check(object? value, string path, List<string> errors)
        {
            if (value is not List<object?> list)
            {
                errors.Add($"{At(path)}: expected a list");
                return;
            }

            for (var i = 0; i < list.Count; i++)
            {
                Item.Check(list[i], $"{path}[{i}]", errors);
            }
        }
    }

    private sealed record AnyValue : Shape
    {
        public override void Check(object? value, string path, List<string> errors)
        {
        }
    }

    private sealed record Scalar(ScalarKind Kind, string[]? Allowed = null, Regex? Pattern = null, bool IgnoreCase = false) : Shape
    {
        public override void Check(object? value, string path, List<string> errors)
        {
            var ok = Kind switch
            {
                ScalarKind.String or ScalarKind.Duration => value is string,
                ScalarKind.Bool => value is bool,
                ScalarKind.Int => value is long,
                _ => false,
            };
            if (!ok)
            {
                errors.Add($"{At(path)}: expected {(Kind == ScalarKind.Duration ? "a duration string" : Kind.ToString().ToLowerInvariant())}, found '{Yaml.Text(value) ?? value?.GetType().Name}'");
                return;
            }

            var text = Yaml.Text(value)!;
            if (Allowed is not null && !Allowed.Contains(text, IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal))
            {
                errors.Add($"{At(path)}: '{text}' is not one of {string.Join(", ", Allowed)}");
            }

            if (Pattern is not null && !Pattern.IsMatch(text))
            {
                errors.Add($"{At(path)}: '{text}' does not match {Pattern}");
            }

            if (Kind == ScalarKind.Duration && !GoDuration().IsMatch(text))
            {
                errors.Add($"{At(path)}: '{text}' is not a Go duration such as 500ms, 5s, 1m30s");
            }
        }
    }
}
