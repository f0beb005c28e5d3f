using System.Text;
using System.Text.Json.Nodes;
using Conformance.Sdk.Actors.TestActors;
using Conformance.Sdk.Harness;
using Conformance.Sdk.Workflows;
using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.Actors;
using Dapr.Actors.Client;
using Dapr.Actors.Runtime;
using Dapr.Workflow;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Conformance.Sdk.Actors;

/// <summary>Redis as the actor state store (<see cref="RedisProfile"/>): actor state, reminders and a workflow through the
/// SDK, each found in Redis where daprd keeps it (<c>&lt;appId&gt;||&lt;type&gt;||&lt;id&gt;||&lt;key&gt;</c>,
/// <c>actors||&lt;type&gt;</c>, <c>&lt;appId&gt;||dapr.internal.default.&lt;appId&gt;.workflow||&lt;instance&gt;||…</c>).</summary>
public sealed class ActorsAndWorkflowsOnRedisTests(RedisProfile redis) : IAsyncLifetime
{
    private const string ActorsAppId = "redis-actors";
    private const string WorkflowsAppId = "redis-workflows";
    private ConnectionMultiplexer? _direct;

    private IDatabase Direct => _direct!.GetDatabase();

    public async ValueTask InitializeAsync()
    {
        redis.Require();
        _direct = await ConnectionMultiplexer.ConnectAsync(redis.Server.Host);
    }

    public async ValueTask DisposeAsync()
    {
        if (_direct is not null)
        {
            await _direct.DisposeAsync();
        }
    }

    [Fact]
    public async Task Actor_state_is_a_hash_per_state_key_and_survives_the_actor_going_idle()
    {
        var probe = new ActorProbe();
        await using var app = await StartActorsAppAsync(probe);
        var id = ActorsApp.NewId("redis-state");
        var actor = Proxy<IStateActor>(app, id, nameof(StateActor));

        await actor.Set("kept in redis");
        var stored = await Direct.HashGetAllAsync($"{ActorsAppId}||{nameof(StateActor)}||{id}||{StateActor.Key}");
        Assert.Equal("\"kept in redis\"", stored.Single(f => f.Name == "data").Value.ToString());
        Assert.Equal("1", stored.Single(f => f.Name == "version").Value.ToString());

        await Poll.UntilAsync(() => probe.For(id, "deactivated"), events => events.Count > 0, "the actor to go idle");
        Assert.Equal("kept in redis", await actor.Get());
        await actor.Remove();
        Assert.False(await Direct.KeyExistsAsync($"{ActorsAppId}||{nameof(StateActor)}||{id}||{StateActor.Key}"));
    }

    [Fact]
    public async Task A_reminder_is_kept_in_the_actor_types_document_fires_and_is_removed_from_it()
    {
        var probe = new ActorProbe();
        await using var app = await StartActorsAppAsync(probe);
        var id = ActorsApp.NewId("redis-reminder");
        var actor = Proxy<IReminderActor>(app, id, nameof(ReminderActor));

        await actor.StartReminding("from redis");
        Assert.Contains(await RemindersAsync(), r => r?["actorId"]?.GetValue<string>() == id && r["name"]?.GetValue<string>() == ReminderActor.ReminderName);
        await Poll.UntilAsync(() => probe.For(id, "reminder"), fired => fired.Count >= 2, "two reminder firings");

        await actor.StopReminding();
        Assert.DoesNotContain(await RemindersAsync(), r => r?["actorId"]?.GetValue<string>() == id);
    }

    [Fact]
    public async Task A_workflow_runs_to_completion_with_its_history_in_redis_and_purging_removes_it()
    {
        await using var sidecar = await SdkSidecar.StartAsync(appId: WorkflowsAppId, configure: redis.Configure(RedisProfile.Redis));
        await using var app = await HostedApp.StartAsync(0, builder =>
        {
            builder.Configuration["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
            builder.Configuration["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
            builder.Configuration["DAPR_API_TOKEN"] = sidecar.ApiToken ?? "";
            builder.Services.AddSingleton(new WorkflowProbe());
            builder.Services.AddDaprWorkflow(options =>
            {
                options.RegisterWorkflow<ChainWorkflow>();
                options.RegisterActivity<ShoutActivity>();
                options.RegisterActivity<ExclaimActivity>();
            });
        }, _ => { });

        using var deadline = WorkflowApp.Deadline();
        var client = app.Services.GetRequiredService<DaprWorkflowClient>();
        var id = WorkflowApp.NewInstanceId("redis-chain");
        await client.ScheduleNewWorkflowAsync(nameof(ChainWorkflow), id, "redis");
        var state = await client.WaitForWorkflowCompletionAsync(id, cancellation: deadline.Token);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("REDIS!", state.ReadOutputAs<string>());

        var prefix = $"{WorkflowsAppId}||dapr.internal.default.{WorkflowsAppId}.workflow||{id}||";
        Assert.True(await Direct.HashExistsAsync(prefix + "metadata", "version"));
        Assert.True(await Direct.HashExistsAsync(prefix + "history-000000", "data"));

        Assert.True(await client.PurgeInstanceAsync(id, deadline.Token));
        Assert.False(await Direct.KeyExistsAsync(prefix + "metadata"));
        Assert.False(await Direct.KeyExistsAsync(prefix + "history-000000"));
    }

    private Task<AppUnderTest> StartActorsAppAsync(ActorProbe probe) =>
        AppUnderTest.StartAsync(ActorsAppId, (builder, sidecar) =>
        {
            builder.Services.AddSingleton(probe);
            builder.Services.AddSingleton(new SidecarEndpoint(sidecar));
            builder.Services.AddActors(options =>
            {
                options.HttpEndpoint = sidecar.GetLeftPart(UriPartial.Authority);
                options.Actors.RegisterActor<StateActor>(new ActorRuntimeOptions { ActorIdleTimeout = ActorsApp.StateActorIdleTimeout });
                options.Actors.RegisterActor<ReminderActor>();
            });
        }, app => app.MapActorsHandlers(), [redis.ResourcesPath]).ContinueWith(async started =>
        {
            var app = await started;
            await app.Sidecar.WaitForActorRuntimeAsync();
            return app;
        }).Unwrap();

    private static TActor Proxy<TActor>(AppUnderTest app, string id, string type)
        where TActor : IActor =>
        ActorProxy.Create<TActor>(new ActorId(id), type, new ActorProxyOptions { HttpEndpoint = app.Sidecar.HttpEndpoint.GetLeftPart(UriPartial.Authority) });

    private async Task<JsonArray> RemindersAsync()
    {
        var data = await Direct.HashGetAsync($"actors||{nameof(ReminderActor)}", "data");
        return data.IsNull ? [] : JsonNode.Parse(Encoding.UTF8.GetString((byte[])data!))!.AsArray();
    }
}
