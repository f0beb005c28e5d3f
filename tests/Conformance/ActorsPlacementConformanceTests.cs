using System.Net;
using Conformance.Harness;
using LocalSidecar.Components;
using Microsoft.AspNetCore.Http;

namespace Conformance;

/// <summary>https://docs.dapr.io/reference/api/actors_api/ across sidecars: single activation and turn-based concurrency per actor
/// id, placement moving with membership, durable reminders across restarts, idle deactivation, and the actor state
/// store requirement.</summary>
public sealed class ActorsPlacementConformanceTests
{
    private static CancellationToken Aborted => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Calls_to_one_actor_run_one_at_a_time_across_callers_on_two_sidecars_while_different_ids_run_in_parallel()
    {
        SidecarHarness.RequireInProcess();
        var environment = SidecarHarness.NewEnvironment();
        var probe = new ConcurrencyProbe();
        await using var first = await ActorHost.StartAsync("serialapp", ActorHost.ConfigFor("Serial"), environment);
        await using var second = await ActorHost.StartAsync("serialapp", ActorHost.ConfigFor("Serial"), environment);
        foreach (var host in new[] { first, second })
        {
            host.OnMethod = async (_, _, id, _) =>
            {
                await probe.EnterAsync(id, TimeSpan.FromMilliseconds(25));
                return Results.Ok();
            };
            await host.WaitHostReadyAsync();
        }

        string[] ids = [ActorHost.NewId(), ActorHost.NewId()];
        var calls = ids.SelectMany(id => Enumerable.Range(0, 8).SelectMany(_ => new[] { first, second }.Select(async host =>
        {
            using var response = await host.Sidecar.Client.PutAsync($"/v1.0/actors/Serial/{id}/method/work", null, Aborted);
            return response.StatusCode;
        }))).ToList();

        Assert.All(await Task.WhenAll(calls), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.All(ids, id => Assert.Equal(1, probe.MaxFor(id)));
        Assert.True(probe.MaxOverall >= 2, "calls to different actor ids never overlapped");

        // Each id was served by one replica only.
        Assert.All(ids, id => Assert.True(first.ReceivedFor("Serial", id).Count == 0 || second.ReceivedFor("Serial", id).Count == 0));
    }

    [Fact]
    public async Task When_the_owning_replica_stops_the_other_one_serves_the_actor_with_its_state_intact()
    {
        SidecarHarness.RequireInProcess();
        var environment = SidecarHarness.NewEnvironment();
        var replicas = new List<ActorHost>
        {
            await ActorHost.StartAsync("movingapp", ActorHost.ConfigFor("Mover"), environment),
            await ActorHost.StartAsync("movingapp", ActorHost.ConfigFor("Mover"), environment),
        };
        await using var caller = await SidecarHarness.StartAsync("caller", environment: environment);
        try
        {
            foreach (var replica in replicas)
            {
                await replica.WaitHostReadyAsync();
            }

            var id = ActorHost.NewId();
            using (var call = await caller.Client.PutAsync($"/v1.0/actors/Mover/{id}/method/write", null, Aborted))
            {
                Assert.Equal(HttpStatusCode.OK, call.StatusCode);
            }

            var owner = replicas.Single(r => r.ReceivedFor("Mover", id).Count > 0);
            var other = replicas.Single(r => r != owner);
            using (var saved = await owner.Sidecar.Client.PutAsync($"/v1.0/actors/Mover/{id}/state",
                       Json.Body("""[{"operation":"upsert","request":{"key":"balance","value":100}}]"""), Aborted))
            {
                Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
            }

            using (var notHere = await other.Sidecar.Client.PutAsync($"/v1.0/actors/Mover/{id}/state",
                       Json.Body("""[{"operation":"upsert","request":{"key":"balance","value":1}}]"""), Aborted))
            {
                Assert.Equal(HttpStatusCode.BadRequest, notHere.StatusCode);
                Assert.Equal("ERR_ACTOR_INSTANCE_MISSING", await Json.ErrorCodeAsync(notHere));
            }

            await owner.DisposeAsync();
            replicas.Remove(owner);
            Assert.Contains(owner.App.Received, r => r.Method == "DELETE" && r.Path == $"/actors/Mover/{id}");

            using (var moved = await caller.Client.PutAsync($"/v1.0/actors/Mover/{id}/method/read", null, Aborted))
            {
                Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            }

            Assert.Contains(other.ReceivedFor("Mover", id), r => r.Path.EndsWith("/method/read", StringComparison.Ordinal));
            Assert.Equal("100", await other.Sidecar.Client.GetStringAsync($"/v1.0/actors/Mover/{id}/state/balance", Aborted));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_reminder_moves_to_the_new_owner_when_its_owner_stops()
    {
        SidecarHarness.RequireInProcess();
        var environment = SidecarHarness.NewEnvironment();
        var type = $"Moving{Guid.NewGuid():N}";
        var replicas = new List<ActorHost>
        {
            await ActorHost.StartAsync("remindmove", ActorHost.ConfigFor(type), environment),
            await ActorHost.StartAsync("remindmove", ActorHost.ConfigFor(type), environment),
        };
        try
        {
            foreach (var replica in replicas)
            {
                await replica.WaitHostReadyAsync();
            }

            var id = ActorHost.NewId();
            (await replicas[0].Sidecar.Client.PutAsync($"/v1.0/actors/{type}/{id}/reminders/beat", Json.Body("""{"period":"200ms"}"""), Aborted)).Dispose();
            await ActorHost.EventuallyAsync(() => replicas.Any(r => r.ReceivedFor(type, id).Count(q => q.Path.EndsWith("/remind/beat", StringComparison.Ordinal)) >= 2), "the reminder firing");
            var owner = replicas.Single(r => r.ReceivedFor(type, id).Any(q => q.Path.EndsWith("/remind/beat", StringComparison.Ordinal)));
            var other = replicas.Single(r => r != owner);

            await owner.DisposeAsync();
            replicas.Remove(owner);
            await ActorHost.EventuallyAsync(() => other.ReceivedFor(type, id).Count(q => q.Path.EndsWith("/remind/beat", StringComparison.Ordinal)) >= 2, "the new owner firing it");
            (await other.Sidecar.Client.DeleteAsync($"/v1.0/actors/{type}/{id}/reminders/beat", Aborted)).Dispose();
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_reminder_survives_a_restart_of_app_and_sidecar_and_a_missed_due_time_fires_once()
    {
        SidecarHarness.RequireInProcess();
        var environment = SidecarHarness.NewEnvironment();
        var type = $"Durable{Guid.NewGuid():N}";
        var id = ActorHost.NewId();
        var before = await ActorHost.StartAsync("durableapp", ActorHost.ConfigFor(type), environment);
        var port = before.App.Port;
        try
        {
            await before.WaitHostReadyAsync();
            (await before.Sidecar.Client.PutAsync($"/v1.0/actors/{type}/{id}/reminders/heartbeat", Json.Body("""{"period":"1s","data":"beat"}"""), Aborted)).Dispose();
            await ActorHost.EventuallyAsync(() => before.ReceivedFor(type, id).Count >= 2, "two firings before the restart");
        }
        finally
        {
            await before.DisposeAsync();
        }

        // Down for several periods: the due times missed meanwhile must not be replayed in a burst.
        await Task.Delay(TimeSpan.FromSeconds(3.5), Aborted);

        await using var after = await ActorHost.StartAsync("durableapp", ActorHost.ConfigFor(type), environment, appPort: port);
        int Firings() => after.App.Received.Count(r => r.Path == $"/actors/{type}/{id}/method/remind/heartbeat");
        await after.App.WaitForAsync(r => r.Path == $"/actors/{type}/{id}/method/remind/heartbeat");
        await Task.Delay(600, Aborted);
        Assert.Equal(1, Firings());
        await ActorHost.EventuallyAsync(() => Firings() >= 2, "the reminder resuming its period", TimeSpan.FromSeconds(3));
        Assert.Equal("beat", System.Text.Json.Nodes.JsonNode.Parse(after.App.Received.First(r => r.Path.EndsWith("/remind/heartbeat", StringComparison.Ordinal)).Body)!["data"]!.GetValue<string>());
        (await after.Sidecar.Client.DeleteAsync($"/v1.0/actors/{type}/{id}/reminders/heartbeat", Aborted)).Dispose();
    }

    [Fact]
    public async Task An_idle_actor_is_deactivated_with_DELETE_and_its_timers_are_dropped()
    {
        SidecarHarness.RequireInProcess();
        var config = ActorHost.ConfigFor("Sleepy");
        config["actorIdleTimeout"] = "600ms";
        await using var host = await ActorHost.StartAsync("sleepyapp", config, SidecarHarness.NewEnvironment());
        await host.WaitHostReadyAsync();
        var id = ActorHost.NewId();
        (await host.Sidecar.Client.PutAsync($"/v1.0/actors/Sleepy/{id}/method/wake", null, Aborted)).Dispose();
        (await host.Sidecar.Client.PutAsync($"/v1.0/actors/Sleepy/{id}/timers/tick", Json.Body("""{"period":"100ms"}"""), Aborted)).Dispose();

        var deactivation = await host.App.WaitForAsync(r => r.Method == "DELETE" && r.Path == $"/actors/Sleepy/{id}", TimeSpan.FromSeconds(5));
        Assert.Equal("", deactivation.Body);
        int Ticks() => host.ReceivedFor("Sleepy", id).Count(r => r.Path.EndsWith("/timer/tick", StringComparison.Ordinal));
        Assert.True(Ticks() >= 2, "the timer never fired");
        await Task.Delay(150, Aborted);
        var afterDeactivation = Ticks();
        await Task.Delay(400, Aborted);
        Assert.Equal(afterDeactivation, Ticks());

        var metadata = System.Text.Json.Nodes.JsonNode.Parse(await host.Sidecar.Client.GetStringAsync("/v1.0/metadata", Aborted))!;
        Assert.Equal(0, metadata["actors"]![0]!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Shutdown_waits_for_the_call_in_flight_then_deactivates_the_actor()
    {
        SidecarHarness.RequireInProcess();
        var config = ActorHost.ConfigFor("Busy");
        config["drainOngoingCallTimeout"] = "10s";
        var host = await ActorHost.StartAsync("drainapp", config, SidecarHarness.NewEnvironment());
        try
        {
            await host.WaitHostReadyAsync();
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            host.OnMethod = async (_, _, _, _) =>
            {
                await release.Task;
                return Results.Text("done");
            };
            var id = ActorHost.NewId();
            var call = host.Sidecar.Client.PutAsync($"/v1.0/actors/Busy/{id}/method/long", null, Aborted);
            await host.App.WaitForAsync(r => r.Path == $"/actors/Busy/{id}/method/long");

            var stopping = host.Sidecar.Sidecar.DisposeAsync().AsTask();
            await Task.Delay(300, Aborted);
            Assert.False(stopping.IsCompleted, "the sidecar stopped with a call in flight");
            Assert.DoesNotContain(host.App.Received, r => r.Method == "DELETE");

            release.SetResult();
            using (var answer = await call)
            {
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                Assert.Equal("done", await answer.Content.ReadAsStringAsync(Aborted));
            }

            await stopping;
            Assert.Contains(host.App.Received, r => r.Method == "DELETE" && r.Path == $"/actors/Busy/{id}");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Hosting_actor_types_without_an_actor_state_store_answers_ERR_ACTOR_RUNTIME_NOT_FOUND()
    {
        SidecarHarness.RequireInProcess();
        using var folder = new ResourceFolder();
        folder.Copy("memorystore.yaml");
        await using var host = await ActorHost.StartAsync("nostoreapp", ActorHost.ConfigFor("Orphan"), SidecarHarness.NewEnvironment(), resourcesPaths: [folder.Path]);
        await host.App.WaitForAsync(r => r.Path == "/dapr/config");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            // The error applies once the sidecar has read /dapr/config; until then the type has no host at all.
            using var response = await host.Sidecar.Client.PutAsync($"/v1.0/actors/Orphan/{ActorHost.NewId()}/method/a", null, Aborted);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            var errorCode = await Json.ErrorCodeAsync(response);
            if (errorCode == "ERR_ACTOR_RUNTIME_NOT_FOUND")
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still answered {errorCode}");
            await Task.Delay(25, Aborted);
        }

        using var reminder = await host.Sidecar.Client.PutAsync($"/v1.0/actors/Orphan/{ActorHost.NewId()}/reminders/r", Json.Body("{}"), Aborted);
        Assert.Equal("ERR_ACTOR_RUNTIME_NOT_FOUND", await Json.ErrorCodeAsync(reminder));
    }

    [Fact]
    public async Task Two_actor_state_stores_fail_startup_naming_both_files()
    {
        SidecarHarness.RequireInProcess();
        using var folder = new ResourceFolder();
        folder.Write("first.yaml", "first");
        folder.Write("second.yaml", "second");
        var error = await Assert.ThrowsAsync<ResourceException>(() => SidecarHarness.StartAsync("twostores", resourcesPaths: [folder.Path]));
        Assert.Contains("first.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("second.yaml", error.Message, StringComparison.Ordinal);
    }

    private sealed class ResourceFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sidecart-tests", Guid.NewGuid().ToString("N"));

        public ResourceFolder() => Directory.CreateDirectory(Path);

        public void Copy(string resource) => File.Copy(System.IO.Path.Combine(SidecarHarness.ResourcesPath, resource), System.IO.Path.Combine(Path, resource));

        public void Write(string file, string storeName) => File.WriteAllText(System.IO.Path.Combine(Path, file), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {storeName}
            spec:
              type: state.sqlite
              version: v1
              metadata:
              - name: connectionString
                value: {System.IO.Path.Combine(Path, storeName + ".db")}
              - name: actorStateStore
                value: "true"
            """);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
