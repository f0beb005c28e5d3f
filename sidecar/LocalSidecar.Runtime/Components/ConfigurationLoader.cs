namespace LocalSidecar.Components;

/// <summary>Reads the Configuration resource named by <c>--config</c>. Sections the local sidecar does not apply yet
/// (tracing, metrics, api, ...) are accepted as daprd accepts them and have no effect.</summary>
public static class ConfigurationLoader
{
    public static ConfigurationSpec Load(string? file)
    {
        if (file is null)
        {
            return ConfigurationSpec.Default;
        }

        if (!File.Exists(file))
        {
            throw new ResourceException($"configuration file '{file}' does not exist");
        }

        var doc = ResourceLoader.ReadDocuments(file).FirstOrDefault(d => d.String("kind") == "Configuration")
            ?? throw new ResourceException(file, "kind", "no document of kind Configuration");
        var spec = doc.Mapping("spec");
        var scopes = new List<SecretScope>();
        foreach (var scope in spec?.Mapping("secrets")?.MappingSequence("scopes") ?? [])
        {
            // daprd compares the access case-insensitively.
            var access = (scope.String("defaultAccess") ?? "allow").ToLowerInvariant();
            if (access is not ("allow" or "deny"))
            {
                throw scope.Error("defaultAccess", $"'{access}' is not allow or deny");
            }

            scopes.Add(new SecretScope(scope.RequiredString("storeName"), access, scope.StringSequence("allowedSecrets"), scope.StringSequence("deniedSecrets")));
        }

        var features = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var feature in spec?.MappingSequence("features") ?? [])
        {
            features[feature.RequiredString("name")] = feature.Bool("enabled", false);
        }

        return new ConfigurationSpec(doc.Mapping("metadata")?.String("name") ?? "", scopes, features)
        {
            Mtls = Configuration.MtlsSpec.Parse(spec),
            AccessControl = Configuration.AccessControlSpec.Parse(spec),
            Api = Configuration.ApiAccessSpec.Read(spec?.Mapping("api")),
            Observability = Configuration.ObservabilitySpec.Parse(spec),
        };
    }
}
