using LocalSidecar.Actors;
using LocalSidecar.Components;
using LocalSidecar.Hosting;
using LocalSidecar.Messaging;
using LocalSidecar.Workflows;

namespace LocalSidecar.Api.Universal;

/// <summary>What the metadata API describes, whichever transport asks (https://docs.dapr.io/reference/api/metadata_api/).</summary>
public sealed record SidecarMetadata(
    string AppId,
    string RuntimeVersion,
    IReadOnlyList<ComponentMetadata> Components,
    IReadOnlyList<SubscriptionSpec> Subscriptions,
    IReadOnlyDictionary<string, string> Extended,
    SidecarOptions App,
    IReadOnlyList<ActiveActorCount> ActiveActors,
    bool HasHostedActorTypes,
    string ActorRuntimeStatus,
    bool ActorHostReady,
    int ConnectedWorkflowWorkers);

public sealed record ComponentMetadata(string Name, string Type, string Version, IReadOnlyList<string> Capabilities);

public sealed record ActiveActorCount(string Type, int Count);

/// <summary>The metadata API's semantics for both front ends: a snapshot of the sidecar, and attributes set by the app.</summary>
public sealed class MetadataOperations(SidecarContext context, SubscriptionManager messaging, ActorRuntime actors, WorkflowEngine workflows)
{
    public const string RuntimeVersion = "1.16.0-local";

    public SidecarMetadata Describe()
    {
        var components = context.Components.All
            .Select(c => new ComponentMetadata(c.Spec.Name, c.Spec.Type, c.Spec.Version, c.Instance.Capabilities.ToList()))
            .ToList();
        var extended = new Dictionary<string, string>(StringComparer.Ordinal) { ["daprRuntimeVersion"] = RuntimeVersion };
        foreach (var (key, value) in context.ExtendedMetadata)
        {
            extended[key] = value;
        }

        var counts = actors.ActiveCounts;
        var types = actors.Config.Entities.Union(counts.Keys, StringComparer.Ordinal).ToList();
        return new SidecarMetadata(context.AppId, RuntimeVersion, components, messaging.Subscriptions.ToList(), extended, context.Options,
            types.Select(t => new ActiveActorCount(t, counts.GetValueOrDefault(t))).ToList(), types.Count > 0, actors.RuntimeStatus, actors.HostReady, workflows.ConnectedWorkers(context));
    }

    /// <summary>An empty key is ignored, as daprd ignores it.</summary>
    public void Set(string key, string value)
    {
        if (key.Length > 0)
        {
            context.ExtendedMetadata[key] = value;
        }
    }
}
