using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using LocalSidecar.Hosting;
using LocalSidecar.Workflows;

namespace LocalSidecar.Api.Grpc;

/// <summary>The durable-task sidecar service (<c>TaskHubSidecarService</c>) that <c>Dapr.Workflow</c> and the other
/// SDKs' workflow runtimes speak: client operations and the worker's work-item stream, over the engine. Errors come out
/// as daprd's: AlreadyExists for an active duplicate id, NotFound for the history of an unknown instance, Internal
/// without an actor state store, and Unknown with the engine's text for the rest.</summary>
public sealed class WorkflowGrpcService(WorkflowEngine engine, SidecarContext sidecar)
{
    public Task<Empty> Hello(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    public Task<CreateInstanceResponse> StartInstance(CreateInstanceRequest request, ServerCallContext context) =>
        Run(async () => new CreateInstanceResponse { InstanceId = await engine.StartInstanceAsync(request, viaGrpc: true, context.CancellationToken) });

    public Task<GetInstanceResponse> GetInstance(GetInstanceRequest request, ServerCallContext context) =>
        Run(() => engine.GetInstanceAsync(request.InstanceId, request.GetInputsAndOutputs, context.CancellationToken));

    public Task<GetInstanceResponse> WaitForInstanceStart(GetInstanceRequest request, ServerCallContext context) =>
        Run(() => engine.WaitAsync(request.InstanceId, s => s != OrchestrationStatus.Pending, request.GetInputsAndOutputs, context.CancellationToken));

    public Task<GetInstanceResponse> WaitForInstanceCompletion(GetInstanceRequest request, ServerCallContext context) =>
        Run(() => engine.WaitAsync(request.InstanceId, WorkflowEngine.IsTerminal, request.GetInputsAndOutputs, context.CancellationToken));

    public Task<RaiseEventResponse> RaiseEvent(RaiseEventRequest request, ServerCallContext context) =>
        Run(async () =>
        {
            await engine.RaiseEventAsync(request.InstanceId, request.Name, request.Input, context.CancellationToken);
            return new RaiseEventResponse();
        });

    public Task<TerminateResponse> TerminateInstance(TerminateRequest request, ServerCallContext context) =>
        Run(async () =>
        {
            await engine.TerminateAsync(request.InstanceId, request.Output, request.Recursive, wait: true, context.CancellationToken);
            return new TerminateResponse();
        });

    public Task<SuspendResponse> SuspendInstance(SuspendRequest request, ServerCallContext context) =>
        Run(async () =>
        {
            await engine.SuspendAsync(request.InstanceId, request.Reason, wait: true, context.CancellationToken);
            return new SuspendResponse();
        });

    public Task<ResumeResponse> ResumeInstance(ResumeRequest request, ServerCallContext context) =>
        Run(async () =>
        {
            await engine.ResumeAsync(request.InstanceId, request.Reason, wait: true, context.CancellationToken);
            return new ResumeResponse();
        });

    public Task<PurgeInstancesResponse> PurgeInstances(PurgeInstancesRequest request, ServerCallContext context) =>
        Run(async () =>
        {
            if (request.RequestCase != PurgeInstancesRequest.RequestOneofCase.InstanceId)
            {
                throw new WorkflowException(WorkflowErrorKind.Failed, "multi-instance purge is not implemented");
            }

            var deleted = await engine.PurgeAsync(request.InstanceId, request.Recursive, request.Force, context.CancellationToken);
            return new PurgeInstancesResponse { DeletedInstanceCount = deleted, IsComplete = true };
        });

    public Task<GetInstanceHistoryResponse> GetInstanceHistory(GetInstanceHistoryRequest request, ServerCallContext context) =>
        Run(async () => new GetInstanceHistoryResponse { Events = { await engine.GetHistoryAsync(request.InstanceId, context.CancellationToken) } },
            notFound: StatusCode.NotFound);

    public Task<ListInstanceIDsResponse> ListInstanceIDs(ListInstanceIDsRequest request, ServerCallContext context) =>
        Run(async () => new ListInstanceIDsResponse { InstanceIds = { await engine.ListInstanceIdsAsync(context.CancellationToken) } });

    /// <summary>The worker's stream: work items are written as the engine hands them out until the worker goes away or
    /// the sidecar stops; what it had not completed is handed to another worker.</summary>
    public async Task GetWorkItems(GetWorkItemsRequest request, IServerStreamWriter<WorkItem> stream, ServerCallContext context)
    {
        var worker = engine.ConnectWorker(sidecar);
        try
        {
            await foreach (var item in worker.Items.Reader.ReadAllAsync(context.CancellationToken))
            {
                await stream.WriteAsync(item, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The worker went away.
        }
        finally
        {
            engine.DisconnectWorker(worker);
        }

        if (sidecar.Stopping.IsCancellationRequested)
        {
            throw new RpcException(new global::Grpc.Core.Status(StatusCode.Cancelled, "shutting down"));
        }
    }

    public Task<CompleteTaskResponse> CompleteActivityTask(ActivityResponse request, ServerCallContext context) =>
        Run(async () =>
        {
            await engine.CompleteActivityAsync(request, context.CancellationToken);
            return new CompleteTaskResponse();
        });

    public Task<CompleteTaskResponse> CompleteWorkflowTask(WorkflowResponse request, ServerCallContext context) =>
        Run(async () =>
        {
            await engine.CompleteTurnAsync(request, context.CancellationToken);
            return new CompleteTaskResponse();
        });

    /// <param name="notFound">daprd reports an unknown instance as NotFound only for the history; elsewhere it is a
    /// plain engine error (Unknown).</param>
    private static async Task<T> Run<T>(Func<Task<T>> operation, StatusCode notFound = StatusCode.Unknown)
    {
        try
        {
            return await operation();
        }
        catch (WorkflowException e)
        {
            var code = e.Kind switch
            {
                WorkflowErrorKind.AlreadyExists => StatusCode.AlreadyExists,
                WorkflowErrorKind.NoActorStateStore => StatusCode.Internal,
                WorkflowErrorKind.NotFound => notFound,
                _ => StatusCode.Unknown,
            };
            throw new RpcException(new global::Grpc.Core.Status(code, e.Message));
        }
    }
}
