using LocalSidecar.Components;
using LocalSidecar.Components.Configuration;

namespace LocalSidecar.Security.AccessControl;

/// <summary>The callee's <c>spec.accessControl</c>, ready to decide invocations in daprd's exact order (facts §2.3):
/// global default; the caller's identity from its certificate (none: the global default); its policy by app id and
/// namespace, ignored unless trust domain and namespace match; the policy's default action; then the operation rule
/// (by verb for HTTP callees, by action for gRPC ones). Allowed only when the result is <c>allow</c>.</summary>
public sealed class AccessControlList
{
    public const string AllowAction = "allow";
    public const string DenyAction = "deny";

    private readonly IReadOnlyDictionary<string, Policy> _policies;
    private readonly bool _isHttp;

    private AccessControlList(string defaultAction, IReadOnlyDictionary<string, Policy> policies, bool isHttp)
    {
        DefaultAction = defaultAction;
        _policies = policies;
        _isHttp = isHttp;
    }

    public string DefaultAction { get; }

    /// <summary>Null when the Configuration sets no access control (everything is allowed).</summary>
    /// <param name="isHttp">The callee's app protocol is HTTP: operations are lowercased and verbs apply.</param>
    /// <exception cref="ResourceException">a policy lacks its app id, namespace or trust domain (daprd's message).</exception>
    public static AccessControlList? Build(AccessControlSpec spec, bool isHttp)
    {
        if (spec.TrustDomain.Length == 0 && spec.DefaultAction.Length == 0 && (spec.Policies is null || spec.Policies.Count == 0))
        {
            return null;
        }

        var defaultAction = spec.DefaultAction.Length > 0 ? spec.DefaultAction.ToLowerInvariant()
            : spec.Policies is null || spec.Policies.Count > 0 ? DenyAction
            : AllowAction;

        var missingTrustDomain = new List<string>();
        var missingNamespace = new List<string>();
        var missingAppId = false;
        var policies = new Dictionary<string, Policy>(StringComparer.Ordinal);
        foreach (var policy in spec.Policies ?? [])
        {
            missingAppId |= policy.AppId.Length == 0;
            var invalid = false;
            if (policy.TrustDomain.Length == 0)
            {
                missingTrustDomain.Add(policy.AppId);
                invalid = true;
            }

            if (policy.Namespace.Length == 0)
            {
                missingNamespace.Add(policy.AppId);
                invalid = true;
            }

            if (invalid || missingAppId)
            {
                continue;
            }

            var operations = new OperationTrie();
            foreach (var operation in policy.Operations)
            {
                var name = Normalize(operation.Name, isHttp);
                var verbs = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var verb in operation.HttpVerbs)
                {
                    verbs[verb] = operation.Action;
                }

                operations.Add(name, new OperationRule(name, verbs, operation.Action));
            }

            // The last policy for an app id and namespace wins, as in daprd.
            policies[Key(policy.AppId, policy.Namespace)] = new Policy(policy, operations);
        }

        if (missingTrustDomain.Count > 0 || missingNamespace.Count > 0 || missingAppId)
        {
            throw new ResourceException(
                $"invalid access control spec. missing trustdomain for apps: [{string.Join(' ', missingTrustDomain)}], missing namespace for apps: [{string.Join(' ', missingNamespace)}], missing app name on at least one of the app policies: {(missingAppId ? "true" : "false")}");
        }

        return new AccessControlList(defaultAction, policies, isHttp);
    }

    /// <summary>Decides one invocation.</summary>
    /// <param name="caller">From the verified peer certificate; null without mTLS.</param>
    /// <param name="operation">The method as invoked (without query).</param>
    /// <param name="verb">An uppercase HTTP verb, or <c>NONE</c>.</param>
    /// <returns>Null when allowed; otherwise daprd's denial message.</returns>
    public string? Deny(SpiffeId? caller, string operation, string verb)
    {
        if (Decide(caller, operation, verb))
        {
            return null;
        }

        return $"access control policy has denied access to id: {caller?.ToString() ?? ""} operation: {operation} verb: {verb}";
    }

    private bool Decide(SpiffeId? caller, string operation, string verb)
    {
        var action = DefaultAction;
        if (caller is null || !_policies.TryGetValue(Key(caller.AppId, caller.Namespace), out var policy))
        {
            return IsAllow(action);
        }

        if (policy.Spec.TrustDomain != caller.TrustDomain || policy.Spec.Namespace != caller.Namespace)
        {
            return IsAllow(action);
        }

        if (policy.Spec.DefaultAction.Length > 0)
        {
            action = policy.Spec.DefaultAction;
        }

        if (policy.Operations.Find(Normalize(operation, _isHttp)) is { } rule)
        {
            if (!_isHttp)
            {
                action = rule.Action;
            }
            else if (verb == "NONE")
            {
                action = policy.Spec.DefaultAction;
            }
            else if (rule.VerbActions.TryGetValue(verb, out var byVerb) || rule.VerbActions.TryGetValue("*", out byVerb))
            {
                action = byVerb;
            }
        }

        return IsAllow(action);
    }

    private static bool IsAllow(string action) => string.Equals(action, AllowAction, StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string operation, bool isHttp)
    {
        var withSlash = operation.StartsWith('/') ? operation : "/" + operation;
        return isHttp ? withSlash.ToLowerInvariant() : withSlash;
    }

    private static string Key(string appId, string @namespace) => $"{appId}||{@namespace}";

    private sealed record Policy(AppPolicySpec Spec, OperationTrie Operations);
}
