using LocalSidecar.Components;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;

namespace LocalSidecar.Tests.State;

/// <summary>Initialises a state store component as the registry would, from metadata given in the test.</summary>
internal static class StateStoreFactory
{
    public static async Task<T> InitAsync<T>(T store, string workingDirectory, Dictionary<string, string> metadata, string name = "statestore", string appId = "app")
        where T : IComponent
    {
        var spec = new ComponentSpec(name, "state.test", "v1", [], [], null, false, Path.Combine(workingDirectory, $"{name}.yaml"));
        var environment = new SidecarEnvironment(new FileNameResolver(Path.Combine(workingDirectory, "names")));
        await store.InitAsync(new ComponentContext(spec, metadata, appId, workingDirectory, environment), CancellationToken.None);
        return store;
    }
}
