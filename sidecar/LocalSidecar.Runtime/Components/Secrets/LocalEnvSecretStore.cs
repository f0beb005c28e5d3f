using System.Collections;

namespace LocalSidecar.Components.Secrets;

/// <summary><c>secretstores.local.env</c>: secrets from the sidecar's environment, optionally only those starting
/// with <c>prefix</c> (stripped from names). <c>APP_API_TOKEN</c> and <c>DAPR_*</c> are never exposed, and a missing
/// variable is an empty value rather than an error, as in daprd.</summary>
[ComponentType("secretstores.local.env")]
public sealed class LocalEnvSecretStore : ISecretStore
{
    private string _prefix = "";

    public Task InitAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        _prefix = context.Optional("prefix") ?? "";
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, string>> GetAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var variable = _prefix + name;
        var value = IsHidden(variable) ? "" : Environment.GetEnvironmentVariable(variable) ?? "";
        return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { [name] = value });
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> BulkGetAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var variable = (string)entry.Key;
            if (IsHidden(variable) || !variable.StartsWith(_prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = variable[_prefix.Length..];
            result[name] = new Dictionary<string, string> { [name] = (string?)entry.Value ?? "" };
        }

        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(result);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static bool IsHidden(string variable) =>
        variable == "APP_API_TOKEN" || variable.StartsWith("DAPR_", StringComparison.Ordinal);
}
