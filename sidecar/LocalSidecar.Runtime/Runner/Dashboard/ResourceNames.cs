namespace LocalSidecar.Runner.Dashboard;

/// <summary>How the runner names its resources for the dashboard. An app is <c>&lt;appId&gt;-app</c> (replica n:
/// <c>-app&lt;n&gt;</c>) shown as its app id, its sidecar <c>&lt;appId&gt;-daprd</c> (<c>-daprd&lt;n&gt;</c>): the
/// dashboard joins telemetry whose <c>service.name</c> and <c>service.instance.id</c> make up a resource's name.</summary>
public static class ResourceNames
{
    public const string AppType = "Executable";
    public const string SidecarType = "DaprSidecar";

    public static string AppInstanceId(string instanceName) => "app" + ReplicaSuffix(instanceName);

    public static string SidecarInstanceId(string instanceName) => "daprd" + ReplicaSuffix(instanceName);

    public static string App(AppInstance instance) => $"{instance.App.AppId}-{AppInstanceId(instance.Name)}";

    public static string Sidecar(AppInstance instance) => $"{instance.App.AppId}-{SidecarInstanceId(instance.Name)}";

    /// <summary><c>orders#2</c> is replica 2 of <c>orders</c>.</summary>
    private static string ReplicaSuffix(string instanceName) =>
        instanceName.LastIndexOf('#') is var hash and >= 0 ? instanceName[(hash + 1)..] : "";
}
