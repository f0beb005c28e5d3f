using Dapr.Client.Autogen.Grpc.v1;
using LocalSidecar.Api.Universal;
using LocalSidecar.Components;

namespace LocalSidecar.Api.Grpc;

/// <summary>The metadata snapshot as a <c>GetMetadataResponse</c>.</summary>
public static class GrpcMetadata
{
    public static GetMetadataResponse From(SidecarMetadata metadata)
    {
        var response = new GetMetadataResponse
        {
            Id = metadata.AppId,
            RuntimeVersion = metadata.RuntimeVersion,
            ExtendedMetadata = { metadata.Extended.ToDictionary() },
            ActorRuntime = new ActorRuntime
            {
                RuntimeStatus = metadata.ActorRuntimeStatus switch
                {
                    "RUNNING" => ActorRuntime.Types.ActorRuntimeStatus.Running,
                    "DISABLED" => ActorRuntime.Types.ActorRuntimeStatus.Disabled,
                    _ => ActorRuntime.Types.ActorRuntimeStatus.Initializing,
                },
                HostReady = metadata.ActorHostReady,
                Placement = metadata.ActorRuntimeStatus == "RUNNING" ? "placement: connected" : "placement: disconnected",
                ActiveActors = { metadata.ActiveActors.Select(a => new ActiveActorsCount { Type = a.Type, Count = a.Count }) },
            },
            Workflows = new MetadataWorkflows { ConnectedWorkers = metadata.ConnectedWorkflowWorkers },
        };
        foreach (var component in metadata.Components)
        {
            response.RegisteredComponents.Add(new RegisteredComponents
            {
                Name = component.Name,
                Type = component.Type,
                Version = component.Version,
                Capabilities = { component.Capabilities },
            });
        }

        foreach (var subscription in metadata.Subscriptions)
        {
            response.Subscriptions.Add(new PubsubSubscription
            {
                PubsubName = subscription.PubsubName,
                Topic = subscription.Topic,
                Metadata = { subscription.Metadata.ToDictionary() },
                Rules = new PubsubSubscriptionRules { Rules = { subscription.Rules.Select(r => new PubsubSubscriptionRule { Match = r.Match, Path = r.Path }) } },
                DeadLetterTopic = subscription.DeadLetterTopic ?? "",
                Type = subscription.Kind == SubscriptionKind.Declarative ? PubsubSubscriptionType.Declarative : PubsubSubscriptionType.Programmatic,
            });
        }

        var app = metadata.App;
        if (app.AppPort is { } port)
        {
            response.AppConnectionProperties = new AppConnectionProperties
            {
                Port = port,
                Protocol = app.AppProtocol,
                ChannelAddress = app.AppChannelAddress,
            };
            if (app.EnableAppHealthCheck)
            {
                response.AppConnectionProperties.Health = new AppConnectionHealthProperties
                {
                    HealthCheckPath = app.AppHealthCheckPath,
                    HealthProbeInterval = $"{app.AppHealthProbeInterval.TotalSeconds}s",
                    HealthProbeTimeout = $"{app.AppHealthProbeTimeout.TotalMilliseconds}ms",
                    HealthThreshold = app.AppHealthThreshold,
                };
            }
        }

        return response;
    }
}
