using Grpc.Core;
using LocalSidecar.Runner.Dashboard.Proto;

namespace LocalSidecar.Runner.Dashboard;

/// <summary><c>aspire.v1.DashboardService</c> as the Aspire dashboard calls it: the run's name, its resources and their
/// changes, each resource's console output, and the restart command of an app.</summary>
public sealed class DashboardResourceService(
    RunnerResources resources,
    ConsoleLogBook consoleLogs,
    ResourceServiceOptions options,
    TimeSpan stopGracePeriod) : DashboardService.DashboardServiceBase
{
    private const int LinesPerUpdate = 500;

    public override Task<ApplicationInformationResponse> GetApplicationInformation(ApplicationInformationRequest request, ServerCallContext context) =>
        Task.FromResult(new ApplicationInformationResponse { ApplicationName = options.ApplicationName });

    public override async Task WatchResources(WatchResourcesRequest request, IServerStreamWriter<WatchResourcesUpdate> responseStream, ServerCallContext context)
    {
        var (initial, changes) = resources.Watch(context.CancellationToken);
        var data = new InitialResourceData();
        data.Resources.AddRange(initial);
        data.ResourceTypes.AddRange(RunnerResources.Types);
        await responseStream.WriteAsync(new WatchResourcesUpdate { InitialData = data }, context.CancellationToken);
        try
        {
            await foreach (var changed in changes.ReadAllAsync(context.CancellationToken))
            {
                var update = new WatchResourcesChanges();
                update.Value.AddRange(changed.Select(r => new WatchResourcesChange { Upsert = r }));
                await responseStream.WriteAsync(new WatchResourcesUpdate { Changes = update }, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
        }
    }

    public override async Task WatchResourceConsoleLogs(WatchResourceConsoleLogsRequest request, IServerStreamWriter<WatchResourceConsoleLogsUpdate> responseStream, ServerCallContext context)
    {
        var found = resources.Find(request.ResourceName)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no resource named '{request.ResourceName}'"));
        var prefix = found.IsApp ? RunnerOutput.AppPrefix(found.Instance.Name) : RunnerOutput.SidecarPrefix(found.Instance.Name);
        var (kept, later) = consoleLogs.For(prefix).Read(!request.SuppressFollow, context.CancellationToken);
        foreach (var chunk in kept.Chunk(LinesPerUpdate))
        {
            await responseStream.WriteAsync(Update(chunk), context.CancellationToken);
        }

        if (later is null)
        {
            return;
        }

        try
        {
            while (await later.WaitToReadAsync(context.CancellationToken))
            {
                var batch = new List<ConsoleLine>();
                while (batch.Count < LinesPerUpdate && later.TryRead(out var line))
                {
                    batch.Add(line);
                }

                await responseStream.WriteAsync(Update(batch), context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
        }
    }

    public override async Task<ResourceCommandResponse> ExecuteResourceCommand(ResourceCommandRequest request, ServerCallContext context)
    {
        if (request.CommandName != RunnerResources.RestartCommand)
        {
            return Failed($"unknown command '{request.CommandName}'; resources of this run have only '{RunnerResources.RestartCommand}'");
        }

        if (resources.Find(request.ResourceName) is not { IsApp: true } found)
        {
            return Failed($"no app resource named '{request.ResourceName}'");
        }

        var restart = found.Instance.RestartAsync(stopGracePeriod);
        resources.Refresh();
        var restarted = await restart;
        resources.Refresh();
        return restarted
            ? new ResourceCommandResponse { Kind = ResourceCommandResponseKind.Succeeded, Message = $"{found.Instance.Name} restarted" }
            : Failed($"{found.Instance.Name} has no process to restart, or is stopping");
    }

    /// <summary>The runner never prompts: the stream stays open, silent, until the dashboard closes it.</summary>
    public override async Task WatchInteractions(IAsyncStreamReader<WatchInteractionsRequestUpdate> requestStream, IServerStreamWriter<WatchInteractionsResponseUpdate> responseStream, ServerCallContext context)
    {
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Lines carry no stdout/stderr flag: the runner reads both streams of an app into one.</summary>
    private static WatchResourceConsoleLogsUpdate Update(IEnumerable<ConsoleLine> lines)
    {
        var update = new WatchResourceConsoleLogsUpdate();
        update.LogLines.AddRange(lines.Select(l => new ConsoleLogLine { Text = l.Text, LineNumber = l.Number }));
        return update;
    }

    private static ResourceCommandResponse Failed(string message) =>
        new() { Kind = ResourceCommandResponseKind.Failed, Message = message, ErrorMessage = message };
}
