using System.Text.Json.Nodes;
using Conformance.Sdk.Harness;
using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.Workflow;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using GetInstanceHistoryRequest = Dapr.DurableTask.Protobuf.GetInstanceHistoryRequest;
using HistoryEvent = Dapr.DurableTask.Protobuf.HistoryEvent;
using TaskHubSidecarService = Dapr.DurableTask.Protobuf.TaskHubSidecarService;

namespace Conformance.Sdk.Workflows;

/// <summary>One app hosting every test workflow and activity with <c>Dapr.Workflow</c>, set up as a Dapr user sets it
/// up (<c>AddDaprWorkflow</c>), behind its sidecar. The app serves nothing: its workflow worker connects out to the
/// sidecar's gRPC port and takes work items from the <c>GetWorkItems</c> stream. Tests drive the workflows with the
/// <see cref="DaprWorkflowClient"/> from the app's container, as the app itself would.</summary>
public sealed class WorkflowApp : IAsyncLifetime
{
    public const string AppId = "sdk-workflows";

    /// <summary>How long a test waits for any one workflow outcome; the SDK's waits have no deadline of their own.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private SdkSidecar? _sidecar;
    private HostedApp? _app;
    private GrpcChannel? _rawChannel;

    public WorkflowProbe Probe { get; } = new();

    public SdkSidecar Sidecar => _sidecar ?? throw new InvalidOperationException("not started");

    public DaprWorkflowClient Client =>
        (_app ?? throw new InvalidOperationException("not started")).Services.GetRequiredService<DaprWorkflowClient>();

    public static string NewInstanceId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A deadline for one test's waits, also ended when the test is cancelled.</summary>
    public static CancellationTokenSource Deadline()
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Patience);
        return deadline;
    }

    /// <summary>Schedules a workflow as an app does; returns once the sidecar has started it (daprd answers only after
    /// the first turn is committed).</summary>
    public Task<string> StartAsync(string workflow, string instanceId, object? input, CancellationToken cancellation) =>
        Client.ScheduleNewWorkflowAsync(workflow, instanceId, input, startTime: null, cancellation);

    public Task<WorkflowState> CompletionAsync(string instanceId, CancellationToken cancellation) =>
        Client.WaitForWorkflowCompletionAsync(instanceId, getInputsAndOutputs: true, cancellation);

    /// <summary>A raw client for the sidecar's HTTP API, with its token if it has one.</summary>
    public HttpClient CreateHttpClient()
    {
        var http = new HttpClient { BaseAddress = Sidecar.HttpEndpoint, Timeout = Patience };
        if (Sidecar.ApiToken is { Length: > 0 } token)
        {
            http.DefaultRequestHeaders.Add("dapr-api-token", token);
        }

        return http;
    }

    /// <summary>The committed history as the sidecar sends it (<c>GetInstanceHistory</c> through the package's own
    /// generated stub), for the fields <see cref="DaprWorkflowClient.GetInstanceHistoryAsync"/> drops, such as the
    /// execution id of an <c>ExecutionStarted</c>.</summary>
    public async Task<IReadOnlyList<HistoryEvent>> RawHistoryAsync(string instanceId, CancellationToken cancellation)
    {
        var headers = new Metadata();
        if (Sidecar.ApiToken is { Length: > 0 } token)
        {
            headers.Add("dapr-api-token", token);
        }

        var stub = new TaskHubSidecarService.TaskHubSidecarServiceClient(_rawChannel ?? throw new InvalidOperationException("not started"));
        var response = await stub.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { InstanceId = instanceId }, headers, cancellationToken: cancellation);
        return response.Events;
    }

    public async ValueTask InitializeAsync()
    {
        _sidecar = await SdkSidecar.StartAsync(appId: AppId);
        _rawChannel = GrpcChannel.ForAddress(_sidecar.GrpcEndpoint);
        var sidecar = _sidecar;
        _app = await HostedApp.StartAsync(0, builder =>
        {
            // Dapr.Workflow resolves the sidecar from IConfiguration before the environment (DaprDefaults), so each
            // app is pointed at its own sidecar without process-wide variables. An empty token means "send none".
            builder.Configuration["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
            builder.Configuration["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
            builder.Configuration["DAPR_API_TOKEN"] = sidecar.ApiToken ?? "";
            builder.Services.AddSingleton(Probe);
            builder.Services.AddDaprWorkflow(options =>
            {
                options.RegisterWorkflow<ChainWorkflow>();
                options.RegisterWorkflow<FanOutFanInWorkflow>();
                options.RegisterWorkflow<TimersWorkflow>();
                options.RegisterWorkflow<TwoEventsWorkflow>();
                options.RegisterWorkflow<ApprovalWorkflow>();
                options.RegisterWorkflow<AwaitEventWorkflow>();
                options.RegisterWorkflow<ParentWorkflow>();
                options.RegisterWorkflow<ChildWorkflow>();
                options.RegisterWorkflow<ParentOfFailingChildWorkflow>();
                options.RegisterWorkflow<FailingChildWorkflow>();
                options.RegisterWorkflow<ParentWaitingOnChildWorkflow>();
                options.RegisterWorkflow<RetryingWorkflow>();
                options.RegisterWorkflow<FailingActivityWorkflow>();
                options.RegisterWorkflow<ThrowingWorkflow>();
                options.RegisterWorkflow<ContinueAsNewWorkflow>();
                options.RegisterWorkflow<CustomStatusWorkflow>();
                options.RegisterActivity<ShoutActivity>();
                options.RegisterActivity<ExclaimActivity>();
                options.RegisterActivity<SquareActivity>();
                options.RegisterActivity<FlakyActivity>();
                options.RegisterActivity<FailingActivity>();
                options.RegisterActivity<NoteActivity>();
            });
        }, _ => { });
        await WaitForConnectedWorkerAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // The app first, so its worker leaves the stream before the sidecar goes away.
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _rawChannel?.Dispose();
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }
    }

    /// <summary>Nothing runs until a worker holds the work-item stream; daprd counts them in its metadata.</summary>
    private async Task WaitForConnectedWorkerAsync()
    {
        using var http = CreateHttpClient();
        await Poll.UntilAsync(
            async () => JsonNode.Parse(await http.GetStringAsync("/v1.0/metadata"))?["workflows"]?["connectedWorkers"]?.GetValue<int>() ?? 0,
            workers => workers >= 1,
            "the app's workflow worker to connect to the sidecar (metadata workflows.connectedWorkers)",
            TimeSpan.FromSeconds(30));
    }
}

[CollectionDefinition(Name)]
public sealed class WorkflowsCollection : ICollectionFixture<WorkflowApp>
{
    public const string Name = "Workflows through the Dapr .NET SDK";
}
