using LocalSidecar.Components.Configuration;

namespace LocalSidecar.Api.Grpc;

/// <summary>The Configuration's <c>spec.api</c> rules for the gRPC API (dapr/dapr pkg/api/grpc/endpoints.go): a rule
/// with protocol <c>grpc</c> names a group and version (<c>state</c> <c>v1</c>) that stands for a fixed set of rpcs of
/// the Dapr service. Only that service is governed; an rpc in a deny rule, or outside the allow rules when there are
/// some, is refused.</summary>
public sealed class GrpcApiAccess
{
    public const string DaprRuntimePrefix = "/dapr.proto.runtime.";

    private const string Dapr = "/dapr.proto.runtime.v1.Dapr/";

    /// <summary>daprd's table of groups: <c>name.version</c> to the rpcs it opens or closes.</summary>
    private static readonly Dictionary<string, string[]> Groups = new(StringComparer.Ordinal)
    {
        ["invoke.v1"] = ["InvokeService"],
        ["state.v1"] = ["GetState", "GetBulkState", "SaveState", "DeleteState", "DeleteBulkState", "ExecuteStateTransaction"],
        ["state.v1alpha1"] = ["QueryStateAlpha1"],
        ["publish.v1"] = ["PublishEvent", "BulkPublishEvent"],
        ["publish.v1alpha1"] = ["BulkPublishEventAlpha1"],
        ["bindings.v1"] = ["InvokeBinding"],
        ["secrets.v1"] = ["GetSecret", "GetBulkSecret"],
        ["actors.v1"] =
        [
            "RegisterActorTimer", "UnregisterActorTimer", "RegisterActorReminder", "GetActorReminder", "UnregisterActorReminder",
            "UnregisterActorRemindersByType", "ListActorReminders", "GetActorState", "ExecuteActorStateTransaction", "InvokeActor",
        ],
        ["actors.v1alpha1"] = ["SubscribeActorEventsAlpha1"],
        ["metadata.v1"] = ["GetMetadata", "SetMetadata"],
        ["configuration.v1alpha1"] = ["GetConfigurationAlpha1", "SubscribeConfigurationAlpha1", "UnsubscribeConfigurationAlpha1"],
        ["configuration.v1"] = ["GetConfiguration", "SubscribeConfiguration", "UnsubscribeConfiguration"],
        ["lock.v1alpha1"] = ["TryLockAlpha1"],
        ["unlock.v1alpha1"] = ["UnlockAlpha1"],
        ["subtlecrypto.v1alpha1"] =
        [
            "SubtleGetKeyAlpha1", "SubtleEncryptAlpha1", "SubtleDecryptAlpha1", "SubtleSignAlpha1", "SubtleVerifyAlpha1",
            "SubtleWrapKeyAlpha1", "SubtleUnwrapKeyAlpha1",
        ],
        ["crypto.v1alpha1"] = ["EncryptAlpha1", "DecryptAlpha1"],
        ["workflows.v1alpha1"] =
        [
            "StartWorkflowAlpha1", "GetWorkflowAlpha1", "TerminateWorkflowAlpha1", "RaiseEventWorkflowAlpha1", "PurgeWorkflowAlpha1",
            "PauseWorkflowAlpha1", "ResumeWorkflowAlpha1",
        ],
        ["workflows.v1beta1"] =
        [
            "StartWorkflowBeta1", "GetWorkflowBeta1", "TerminateWorkflowBeta1", "RaiseEventWorkflowBeta1", "PurgeWorkflowBeta1",
            "PauseWorkflowBeta1", "ResumeWorkflowBeta1",
        ],
        ["jobs.v1alpha1"] = ["ScheduleJobAlpha1", "DeleteJobAlpha1", "GetJobAlpha1", "DeleteJobsByPrefixAlpha1", "ListJobsAlpha1"],
        ["jobs.v1"] = ["ScheduleJob", "DeleteJob", "GetJob", "DeleteJobsByPrefix", "ListJobs"],
        ["shutdown.v1"] = ["Shutdown"],
        ["subscribe.v1alpha1"] = ["SubscribeTopicEventsAlpha1"],
        ["conversation.v1alpha1"] = ["ConverseAlpha1"],
        ["conversation.v1alpha2"] = ["ConverseAlpha2"],
    };

    private readonly HashSet<string> _allowed;
    private readonly HashSet<string> _denied;

    public GrpcApiAccess(ApiAccessSpec spec)
    {
        _allowed = Methods(spec.Allowed);
        _denied = Methods(spec.Denied);
    }

    public bool IsOpen => _allowed.Count == 0 && _denied.Count == 0;

    /// <summary>Whether the rpc of this full method name (<c>/dapr.proto.runtime.v1.Dapr/GetState</c>) may be called.</summary>
    public bool Allows(string fullMethod)
    {
        if (!fullMethod.StartsWith(DaprRuntimePrefix, StringComparison.Ordinal))
        {
            return true;
        }

        return !_denied.Contains(fullMethod) && (_allowed.Count == 0 || _allowed.Contains(fullMethod));
    }

    /// <summary>The rpcs of the rules for gRPC (daprd compares the protocol exactly: <c>grpc</c>).</summary>
    private static HashSet<string> Methods(IReadOnlyList<ApiAccessRule> rules) =>
        rules.Where(r => r.Protocol == "grpc" && Groups.ContainsKey($"{r.Name}.{r.Version}"))
            .SelectMany(r => Groups[$"{r.Name}.{r.Version}"])
            .Select(rpc => Dapr + rpc)
            .ToHashSet(StringComparer.Ordinal);
}
