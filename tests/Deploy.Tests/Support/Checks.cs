using System.Text.RegularExpressions;
using static Deploy.Tests.Support.Yaml;

namespace Deploy.Tests.Support;

/// <summary>The cross-reference checks, as functions of what they read, each returning what disagrees (empty when
/// all agrees). Tests run them on the repository and on deliberately broken copies, so every one is seen failing.</summary>
public static partial class Checks
{
    /// <summary>The invocations access control allows: for each callee's Configuration, each caller policy's operations
    /// whose action is allow, one per verb. A wildcard verb or a global or per-caller allow is reported as
    /// <c>* …</c>, as it allows more than any list of calls.</summary>
    public static IReadOnlyList<Call> AllowedCalls(IEnumerable<Dictionary<string, object?>> configurations)
    {
        var allowed = new List<Call>();
        foreach (var config in configurations)
        {
            var callee = Str(config, "metadata", "name")!;
            var acl = Map(config, "spec", "accessControl");
            if (acl.Count == 0 || !string.Equals(Str(acl, "defaultAction"), "deny", StringComparison.OrdinalIgnoreCase))
            {
                allowed.Add(new Call("*", callee, "*", "(no accessControl denying by default)"));
            }

            foreach (var policy in Maps(acl, "policies"))
            {
                var caller = Str(policy, "appId")!;
                if (!string.Equals(Str(policy, "defaultAction"), "deny", StringComparison.OrdinalIgnoreCase))
                {
                    allowed.Add(new Call(caller, callee, "*", "(policy defaultAction is not deny)"));
                }

                foreach (var operation in Maps(policy, "operations").Where(o => string.Equals(Str(o, "action"), "allow", StringComparison.OrdinalIgnoreCase)))
                {
                    foreach (var verb in Strings(operation, "httpVerb"))
                    {
                        allowed.Add(new Call(caller, callee, verb, Str(operation, "name")!));
                    }
                }
            }
        }

        return allowed;
    }

    /// <summary>Access control allows exactly <paramref name="calls"/>, every Configuration denies by default, and every
    /// policy names its caller as mTLS proves it: trust domain <c>public</c> (the callers' own Configurations leave
    /// theirs at the default) and <paramref name="callerNamespace"/>.</summary>
    public static List<string> AccessControl(IReadOnlyList<Dictionary<string, object?>> configurations, IReadOnlyList<Call> calls, string callerNamespace)
    {
        var problems = new List<string>();
        var allowed = AllowedCalls(configurations);
        problems.AddRange(allowed.Except(calls).Select(c => $"allowed but never made by the code: {c}"));
        problems.AddRange(calls.Except(allowed).Select(c => $"made by the code but not allowed: {c}"));
        foreach (var config in configurations)
        {
            var name = Str(config, "metadata", "name");
            var acl = Map(config, "spec", "accessControl");
            if (Str(acl, "trustDomain") is { } own && own != "public")
            {
                problems.Add($"{name}: accessControl.trustDomain '{own}': the policies name callers in trust domain public");
            }

            foreach (var policy in Maps(acl, "policies"))
            {
                if (Str(policy, "trustDomain") != "public")
                {
                    problems.Add($"{name}: policy for {Str(policy, "appId")} has trustDomain '{Str(policy, "trustDomain")}', not public");
                }

                if (Str(policy, "namespace") != callerNamespace)
                {
                    problems.Add($"{name}: policy for {Str(policy, "appId")} has namespace '{Str(policy, "namespace")}', where its caller runs in '{callerNamespace}'");
                }
            }
        }

        return problems;
    }

    /// <summary>A Deployment and a Service per app, agreeing with dapr.yaml (app id, port, Configuration) and carrying
    /// what the issue asks of each: Dapr's annotations, probes, resources, a security context without root.</summary>
    public static List<string> Deployments(IReadOnlyList<Dictionary<string, object?>> objects, IReadOnlyList<DaprApp> apps)
    {
        var problems = new List<string>();
        var daprEnabled = objects.OfKind("Deployment").Where(d => Str(d, "spec", "template", "metadata", "annotations", "dapr.io/enabled") == "true")
            .Select(d => Str(d, "spec", "template", "metadata", "annotations", "dapr.io/app-id")).ToList();
        problems.AddRange(daprEnabled.Except(apps.Select(a => a.AppId)).Select(id => $"Dapr-enabled Deployment with app id '{id}', which dapr.yaml does not run"));
        foreach (var app in apps)
        {
            var deployment = objects.Named("Deployment", app.AppId);
            if (deployment is null)
            {
                problems.Add($"{app.AppId}: no Deployment");
                continue;
            }

            var annotations = Map(deployment, "spec", "template", "metadata", "annotations");
            void Expect(string key, string expected)
            {
                if (Str(annotations, key) != expected)
                {
                    problems.Add($"{app.AppId}: annotation {key} is '{Str(annotations, key)}', expected '{expected}'");
                }
            }

            Expect("dapr.io/enabled", "true");
            Expect("dapr.io/app-id", app.AppId);
            Expect("dapr.io/app-port", app.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Expect("dapr.io/enable-app-health-check", "true");
            Expect("dapr.io/app-health-check-path", "/healthz");
            Expect("dapr.io/log-as-json", "true");
            foreach (var key in new[] { "dapr.io/sidecar-cpu-request", "dapr.io/sidecar-cpu-limit", "dapr.io/sidecar-memory-request", "dapr.io/sidecar-memory-limit" })
            {
                if (Str(annotations, key) is not { Length: > 0 })
                {
                    problems.Add($"{app.AppId}: annotation {key} is missing");
                }
            }

            var configName = Str(annotations, "dapr.io/config");
            var localConfig = app.ConfigFile is null ? null : Str(Yaml.File(app.ConfigFile).Single(), "metadata", "name");
            if (configName is null || objects.Named("Configuration", configName) is null)
            {
                problems.Add($"{app.AppId}: dapr.io/config '{configName}' names no Configuration of the overlay");
            }
            else if (configName != localConfig)
            {
                problems.Add($"{app.AppId}: dapr.io/config '{configName}', but dapr.yaml runs it with Configuration '{localConfig}' ({app.ConfigFile})");
            }

            var pod = Map(deployment, "spec", "template", "spec");
            var containers = Maps(pod, "containers").ToList();
            var container = containers.FirstOrDefault(c => Str(c, "name") == app.AppId);
            if (container is null)
            {
                problems.Add($"{app.AppId}: no container named {app.AppId}");
                continue;
            }

            var ports = Maps(container, "ports").ToList();
            if (!ports.Any(p => Number(p, "containerPort") == app.Port))
            {
                problems.Add($"{app.AppId}: container does not expose port {app.Port}");
            }

            var appPortEnv = Maps(container, "env").FirstOrDefault(e => Str(e, "name") == "APP_PORT");
            if (appPortEnv is not null && Number(appPortEnv, "value") != app.Port)
            {
                problems.Add($"{app.AppId}: APP_PORT is {Str(appPortEnv, "value")}, not {app.Port}");
            }

            foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
            {
                var get = Map(container, probe, "httpGet");
                var port = Str(get, "port");
                var resolved = ports.FirstOrDefault(p => Str(p, "name") == port) is { } named ? Number(named, "containerPort") : Number(get, "port");
                if (Str(get, "path") != "/healthz" || resolved != app.Port)
                {
                    problems.Add($"{app.AppId}: {probe} is not GET /healthz on port {app.Port}");
                }
            }

            foreach (var part in new[] { "requests", "limits" })
            {
                if (Str(container, "resources", part, "cpu") is null || Str(container, "resources", part, "memory") is null)
                {
                    problems.Add($"{app.AppId}: resources.{part} needs cpu and memory");
                }
            }

            if (Get(pod, "securityContext", "runAsNonRoot") is not true && Get(container, "securityContext", "runAsNonRoot") is not true)
            {
                problems.Add($"{app.AppId}: runAsNonRoot is not set");
            }

            if (Number(pod, "securityContext", "runAsUser") == 0 || Number(container, "securityContext", "runAsUser") == 0)
            {
                problems.Add($"{app.AppId}: runs as user 0");
            }

            if (Get(container, "securityContext", "allowPrivilegeEscalation") is not false || Get(container, "securityContext", "privileged") is true
                || !Strings(container, "securityContext", "capabilities", "drop").Contains("ALL"))
            {
                problems.Add($"{app.AppId}: the container must drop ALL capabilities and forbid privilege escalation");
            }

            var service = objects.Named("Service", app.AppId);
            var labels = Map(deployment, "spec", "template", "metadata", "labels");
            if (service is null)
            {
                problems.Add($"{app.AppId}: no Service");
            }
            else
            {
                if (Map(service, "spec", "selector").Any(s => Str(labels, s.Key) != Text(s.Value)))
                {
                    problems.Add($"{app.AppId}: the Service's selector does not select the Deployment's pods");
                }

                foreach (var port in Maps(service, "spec", "ports"))
                {
                    var target = Str(port, "targetPort");
                    var resolved = ports.FirstOrDefault(p => Str(p, "name") == target) is { } named ? Number(named, "containerPort") : Number(port, "targetPort");
                    if (resolved != app.Port)
                    {
                        problems.Add($"{app.AppId}: the Service targets port {target}, not the app's {app.Port}");
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>Every image the manifests name is <c>sidecart/&lt;app&gt;</c> built by apps/&lt;app&gt;/Dockerfile, one of the
    /// images <c>make images</c> builds.</summary>
    public static List<string> Images(IEnumerable<Dictionary<string, object?>> objects, IReadOnlyCollection<string> dockerfiles, IReadOnlyCollection<string> makeImages)
    {
        var problems = new List<string>();
        var images = objects.SelectMany(o => Maps(o, "spec", "template", "spec", "containers").Concat(Maps(o, "spec", "template", "spec", "initContainers")))
            .Select(c => Str(c, "image") ?? "").Distinct();
        foreach (var image in images)
        {
            var match = ImageName().Match(image);
            var app = match.Success ? match.Groups[1].Value : null;
            if (app is null || !dockerfiles.Contains($"apps/{app}/Dockerfile"))
            {
                problems.Add($"image '{image}' is not built by a Dockerfile here (expected sidecart/<app>:<tag> and apps/<app>/Dockerfile)");
            }
            else if (!makeImages.Contains(app))
            {
                problems.Add($"image '{image}': `make images` does not build {app}");
            }
        }

        return problems;
    }

    /// <summary>The Secrets the manifests read (secretKeyRef of Components and containers, Dapr's token annotations) and
    /// the keys they read from each, which the README's cluster section must create (no Secret is in a file).</summary>
    public static SortedSet<string> SecretReferences(IEnumerable<Dictionary<string, object?>> objects)
    {
        var references = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var o in objects)
        {
            foreach (var item in Maps(o, "spec", "metadata").Where(i => Get(i, "secretKeyRef") is not null))
            {
                references.Add($"{Str(item, "secretKeyRef", "name")}/{Str(item, "secretKeyRef", "key") ?? Str(item, "secretKeyRef", "name")}");
            }

            foreach (var container in Maps(o, "spec", "template", "spec", "containers"))
            {
                foreach (var env in Maps(container, "env").Where(e => Get(e, "valueFrom", "secretKeyRef") is not null))
                {
                    references.Add($"{Str(env, "valueFrom", "secretKeyRef", "name")}/{Str(env, "valueFrom", "secretKeyRef", "key")}");
                }
            }

            foreach (var annotation in new[] { "dapr.io/api-token-secret", "dapr.io/app-token-secret" })
            {
                if (Str(o, "spec", "template", "metadata", "annotations", annotation) is { } secret)
                {
                    references.Add($"{secret}/token");
                }
            }
        }

        return references;
    }

    /// <summary>name/key pairs that <c>kubectl create secret generic NAME --from-literal=KEY=…</c> lines create.</summary>
    public static SortedSet<string> SecretsCreatedBy(string text)
    {
        var created = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match command in CreateSecret().Matches(text))
        {
            foreach (Capture key in command.Groups["key"].Captures)
            {
                created.Add($"{command.Groups["name"].Value}/{key.Value}");
            }
        }

        return created;
    }

    /// <summary>Components agree with the code: each name the code uses exists, scoped to exactly the apps that use it;
    /// secret references go through the Kubernetes store; a pub/sub's allowedTopics are the code's topics.</summary>
    public static List<string> Components(IReadOnlyList<Dictionary<string, object?>> components, IReadOnlyDictionary<string, IReadOnlySet<string>> usedBy, IReadOnlySet<string> topics, bool cluster)
    {
        var problems = new List<string>();
        var names = components.Select(c => Str(c, "metadata", "name")!).ToHashSet(StringComparer.Ordinal);
        foreach (var name in usedBy.Values.SelectMany(n => n).Distinct().Where(n => !names.Contains(n)))
        {
            problems.Add($"no component '{name}', which the code uses");
        }

        foreach (var component in components)
        {
            var name = Str(component, "metadata", "name")!;
            var users = usedBy.Where(u => u.Value.Contains(name)).Select(u => u.Key).Order(StringComparer.Ordinal).ToList();
            if (cluster)
            {
                var scopes = Strings(component, "scopes").Order(StringComparer.Ordinal).ToList();
                if (!scopes.SequenceEqual(users))
                {
                    problems.Add($"component {name}: scopes [{string.Join(", ", scopes)}], but the apps using it are [{string.Join(", ", users)}]");
                }

                if (Maps(component, "spec", "metadata").Any(i => Get(i, "secretKeyRef") is not null) && Str(component, "auth", "secretStore") != "kubernetes")
                {
                    problems.Add($"component {name}: secretKeyRef without auth.secretStore kubernetes");
                }
            }

            if (Str(component, "spec", "type")?.StartsWith("pubsub.", StringComparison.Ordinal) == true && (cluster || Maps(component, "spec", "metadata").Any(i => Str(i, "name") == "allowedTopics")))
            {
                var allowed = (Maps(component, "spec", "metadata").FirstOrDefault(i => Str(i, "name") == "allowedTopics") is { } item ? Str(item, "value") ?? "" : "")
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                if (!allowed.SetEquals(topics))
                {
                    problems.Add($"component {name}: allowedTopics [{string.Join(",", allowed.Order(StringComparer.Ordinal))}], but the code's topics are [{string.Join(",", topics)}]");
                }
            }
        }

        return problems;
    }

    [GeneratedRegex(@"^sidecart/([a-z0-9-]+):[A-Za-z0-9._-]+$")]
    private static partial Regex ImageName();

    [GeneratedRegex(@"kubectl(?:\s+-n\s+\S+)?\s+create\s+secret\s+generic\s+(?<name>[a-z0-9.-]+)(?:\s+(?:\\\s*)?(?:-n\s+\S+|--from-literal=(?<key>[A-Za-z0-9._-]+)=\S+))+")]
    private static partial Regex CreateSecret();
}

/// <summary>Checks of files that are not manifests: Dockerfiles and secret values.</summary>
public static partial class FileChecks
{
    /// <summary>A Dockerfile builds in one stage and runs in a smaller one, as a non-root user, on the app's port, with a
    /// HEALTHCHECK of /healthz on that port.</summary>
    public static List<string> Dockerfile(string text, int port)
    {
        var problems = new List<string>();
        var lines = text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var froms = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase)).ToList();
        if (froms.Count < 2)
        {
            problems.Add("not multi-stage: one FROM");
            return problems;
        }

        var final = lines.Skip(froms[^1].i).ToList();
        var runtimeImage = froms[^1].l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        if (runtimeImage.Contains("/sdk", StringComparison.Ordinal) || !(runtimeImage.Contains("aspnet", StringComparison.Ordinal) || runtimeImage.Contains("runtime", StringComparison.Ordinal) || runtimeImage.Contains("slim", StringComparison.Ordinal) || runtimeImage.Contains("alpine", StringComparison.Ordinal) || runtimeImage.Contains("distroless", StringComparison.Ordinal)))
        {
            problems.Add($"the final stage runs on '{runtimeImage}', not a small runtime image");
        }

        if (!final.Any(l => l.StartsWith("COPY --from=", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add("the final stage copies nothing from the build stage");
        }

        var user = final.LastOrDefault(l => l.StartsWith("USER ", StringComparison.OrdinalIgnoreCase))?[5..].Trim();
        if (user is null || user.Split(':')[0] is "root" or "0")
        {
            problems.Add($"the final stage runs as '{user ?? "root (no USER)"}'");
        }

        if (!final.Any(l => ExposeLine().Match(l) is { Success: true } m && m.Groups[1].Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            problems.Add($"no EXPOSE {port}");
        }

        var health = final.FirstOrDefault(l => l.StartsWith("HEALTHCHECK ", StringComparison.OrdinalIgnoreCase));
        if (health is null || !health.Contains($":{port}/healthz", StringComparison.Ordinal))
        {
            problems.Add($"no HEALTHCHECK of /healthz on port {port}");
        }

        if (!final.Any(l => l.StartsWith("ENTRYPOINT ", StringComparison.OrdinalIgnoreCase) || l.StartsWith("CMD ", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add("no ENTRYPOINT");
        }

        return problems;
    }

    /// <summary>Secret values in a file's text: private keys, live API keys, cloud keys, and name/value pairs (YAML
    /// component metadata, env entries, JSON settings) whose name says secret and whose value is not empty. References
    /// (secretKeyRef, a secret's name, a file path) are fine.</summary>
    public static List<string> SecretValues(string file, string text)
    {
        var problems = new List<string>();
        foreach (var pattern in new[] { PrivateKey(), LiveKey(), AwsKey() })
        {
            if (pattern.Match(text) is { Success: true } m)
            {
                problems.Add($"{file}: looks like a secret: {m.Value[..Math.Min(m.Value.Length, 24)]}…");
            }
        }

        if (file.EndsWith(".yaml", StringComparison.Ordinal) || file.EndsWith(".yml", StringComparison.Ordinal))
        {
            IReadOnlyList<Dictionary<string, object?>> documents;
            try
            {
                documents = Yaml.Documents(text, file);
            }
            catch (InvalidDataException)
            {
                return problems;
            }

            foreach (var (name, value) in documents.SelectMany(NameValuePairs).Where(p => SecretName(p.Name) && p.Value.Length > 0))
            {
                problems.Add($"{file}: '{name}' has a value: use a secretKeyRef (or a Secret created outside the repository)");
            }

            foreach (var secret in documents.Where(d => Yaml.Str(d, "kind") == "Secret" && (Yaml.Get(d, "data") is not null || Yaml.Get(d, "stringData") is not null)))
            {
                problems.Add($"{file}: a Secret with data ({Yaml.Str(secret, "metadata", "name")})");
            }
        }
        else if (file.EndsWith(".json", StringComparison.Ordinal))
        {
            foreach (Match m in JsonSecret().Matches(text).Where(m => SecretName(m.Groups[1].Value) && m.Groups[2].Value.Length > 0))
            {
                problems.Add($"{file}: '{m.Groups[1].Value}' has a value");
            }
        }

        return problems;
    }

    private static bool SecretName(string name) => SecretWord().IsMatch(name) && !ReferenceName().IsMatch(name);

    private static IEnumerable<(string Name, string Value)> NameValuePairs(object? node) => node switch
    {
        Dictionary<string, object?> map => (map.TryGetValue("name", out var n) && map.TryGetValue("value", out var v) && n is string name
                ? [(name, Yaml.Text(v) ?? "")]
                : Array.Empty<(string, string)>())
            .Concat(map.Values.SelectMany(NameValuePairs)),
        List<object?> list => list.SelectMany(NameValuePairs),
        _ => [],
    };

    [GeneratedRegex(@"^EXPOSE\s+(\d+)")]
    private static partial Regex ExposeLine();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\b(sk|pk|rk)_live_[A-Za-z0-9]{8,}")]
    private static partial Regex LiveKey();

    [GeneratedRegex(@"\bAKIA[0-9A-Z]{16}\b")]
    private static partial Regex AwsKey();

    [GeneratedRegex(@"""([A-Za-z0-9_.:-]+)""\s*:\s*""([^""]*)""")]
    private static partial Regex JsonSecret();

    [GeneratedRegex(@"(?i)(password|passwd|secret|token|api-?key|apikey|api_key|credential|private-?key)")]
    private static partial Regex SecretWord();

    [GeneratedRegex(@"(?i)(file|path|name|store|ref|dir)$")]
    private static partial Regex ReferenceName();
}
