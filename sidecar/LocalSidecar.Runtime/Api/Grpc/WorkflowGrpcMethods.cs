using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace LocalSidecar.Api.Grpc;

/// <summary>Binds <c>TaskHubSidecarService</c> (declared without a proto package, so its path is
/// <c>/TaskHubSidecarService/&lt;rpc&gt;</c>) to <see cref="WorkflowGrpcService"/>. <c>CompleteOrchestratorTask</c>, the
/// name the .NET SDK still calls, and <c>CompleteWorkflowTask</c> are the same rpc. The rest answer Unimplemented.</summary>
public sealed class WorkflowGrpcMethods : IServiceMethodProvider<WorkflowGrpcService>
{
    public const string ServiceName = "TaskHubSidecarService";

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<WorkflowGrpcService> context)
    {
        var bound = new HashSet<string>(StringComparer.Ordinal);

        void Unary<TRequest, TResponse>(string name, Func<WorkflowGrpcService, TRequest, ServerCallContext, Task<TResponse>> handler)
            where TRequest : class, IMessage<TRequest>, new()
            where TResponse : class, IMessage<TResponse>, new()
        {
            context.AddUnaryMethod(Method<TRequest, TResponse>(MethodType.Unary, name), GrpcBinding.NoMetadata, (s, r, c) => handler(s, r, c));
            bound.Add(name);
        }

        Unary<Empty, Empty>("Hello", (s, r, c) => s.Hello(r, c));
        Unary<CreateInstanceRequest, CreateInstanceResponse>("StartInstance", (s, r, c) => s.StartInstance(r, c));
        Unary<GetInstanceRequest, GetInstanceResponse>("GetInstance", (s, r, c) => s.GetInstance(r, c));
        Unary<GetInstanceRequest, GetInstanceResponse>("WaitForInstanceStart", (s, r, c) => s.WaitForInstanceStart(r, c));
        Unary<GetInstanceRequest, GetInstanceResponse>("WaitForInstanceCompletion", (s, r, c) => s.WaitForInstanceCompletion(r, c));
        Unary<RaiseEventRequest, RaiseEventResponse>("RaiseEvent", (s, r, c) => s.RaiseEvent(r, c));
        Unary<TerminateRequest, TerminateResponse>("TerminateInstance", (s, r, c) => s.TerminateInstance(r, c));
        Unary<SuspendRequest, SuspendResponse>("SuspendInstance", (s, r, c) => s.SuspendInstance(r, c));
        Unary<ResumeRequest, ResumeResponse>("ResumeInstance", (s, r, c) => s.ResumeInstance(r, c));
        Unary<PurgeInstancesRequest, PurgeInstancesResponse>("PurgeInstances", (s, r, c) => s.PurgeInstances(r, c));
        Unary<GetInstanceHistoryRequest, GetInstanceHistoryResponse>("GetInstanceHistory", (s, r, c) => s.GetInstanceHistory(r, c));
        Unary<ListInstanceIDsRequest, ListInstanceIDsResponse>("ListInstanceIDs", (s, r, c) => s.ListInstanceIDs(r, c));
        Unary<ActivityResponse, CompleteTaskResponse>("CompleteActivityTask", (s, r, c) => s.CompleteActivityTask(r, c));
        Unary<WorkflowResponse, CompleteTaskResponse>("CompleteOrchestratorTask", (s, r, c) => s.CompleteWorkflowTask(r, c));
        Unary<WorkflowResponse, CompleteTaskResponse>("CompleteWorkflowTask", (s, r, c) => s.CompleteWorkflowTask(r, c));
        context.AddServerStreamingMethod(Method<GetWorkItemsRequest, WorkItem>(MethodType.ServerStreaming, "GetWorkItems"), GrpcBinding.NoMetadata,
            (s, r, stream, c) => s.GetWorkItems(r, stream, c));
        bound.Add("GetWorkItems");

        foreach (var rpc in TaskHubSidecarService.Descriptor.Methods.Where(m => !bound.Contains(m.Name)))
        {
            GrpcBinding.AddUnimplemented(context, ServiceName, rpc);
        }
    }

    private static Method<TRequest, TResponse> Method<TRequest, TResponse>(MethodType type, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        TaskHubSidecarService.Descriptor.FindMethodByName(name) is null
            ? throw new InvalidOperationException($"{ServiceName} has no rpc {name}")
            : new Method<TRequest, TResponse>(type, ServiceName, name, GrpcBinding.MarshallerOf<TRequest>(), GrpcBinding.MarshallerOf<TResponse>());
}
