using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Sdk.Harness;
using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.Workflow;

namespace Conformance.Sdk.Workflows;

/// <summary>daprd's workflow HTTP API (<c>/{version}/workflows/{component}/…</c>), served identically under
/// <c>v1.0</c> and <c>v1.0-beta1</c>, driving the same workflows the SDK's worker runs. Start, raiseEvent, pause,
/// resume, terminate and purge answer 202 without waiting, so outcomes are polled with GET.</summary>
[Collection(WorkflowsCollection.Name)]
public sealed class WorkflowHttpApiTests(WorkflowApp workflows)
{
    public static readonly TheoryData<string> Versions = ["v1.0", "v1.0-beta1"];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Start_get_and_raiseEvent_run_a_workflow_to_completion_and_get_shows_daprds_fields(string version)
    {
        using var deadline = WorkflowApp.Deadline();
        using var http = workflows.CreateHttpClient();
        var id = WorkflowApp.NewInstanceId("http");
        var api = $"/{version}/workflows/dapr";

        using (var start = await http.PostAsync($"{api}/{nameof(AwaitEventWorkflow)}/start?instanceID={id}", Json("\"order 42\""), deadline.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            Assert.True(JsonNode.DeepEquals(new JsonObject { ["instanceID"] = id }, JsonNode.Parse(await start.Content.ReadAsStringAsync(deadline.Token))));
        }

        var running = await StatusAsync(http, api, id, "RUNNING");
        Assert.Equal(
            ["createdAt", "instanceID", "lastUpdatedAt", "properties", "runtimeStatus", "workflowName"],
            running.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(id, running["instanceID"]!.GetValue<string>());
        Assert.Equal(nameof(AwaitEventWorkflow), running["workflowName"]!.GetValue<string>());
        var createdAt = UtcTimestamp(running["createdAt"]!.GetValue<string>());
        var lastUpdatedAt = UtcTimestamp(running["lastUpdatedAt"]!.GetValue<string>());
        Assert.True(lastUpdatedAt >= createdAt, $"lastUpdatedAt {lastUpdatedAt:O} before createdAt {createdAt:O}");
        Assert.Equal(["dapr.workflow.input"], running["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal("\"order 42\"", running["properties"]!["dapr.workflow.input"]!.GetValue<string>());

        using (var raised = await http.PostAsync($"{api}/{id}/raiseEvent/{AwaitEventWorkflow.Proceed}", Json("\"shipped\""), deadline.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);
        }

        var completed = await StatusAsync(http, api, id, "COMPLETED");
        var expected = AwaitEventWorkflow.OutputFor("order 42", "shipped");
        // The output is the JSON text the SDK wrote (System.Text.Json escapes '>'), passed through as it is.
        Assert.Equal(expected, JsonNode.Parse(completed["properties"]!["dapr.workflow.output"]!.GetValue<string>())!.GetValue<string>());
        Assert.Equal(expected, (await workflows.Client.GetWorkflowStateAsync(id, cancellation: deadline.Token)).ReadOutputAs<string>());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Pause_resume_terminate_and_purge_move_a_workflow_through_SUSPENDED_RUNNING_TERMINATED_and_away(string version)
    {
        using var deadline = WorkflowApp.Deadline();
        using var http = workflows.CreateHttpClient();
        var id = WorkflowApp.NewInstanceId("http-manage");
        var api = $"/{version}/workflows/dapr";
        using (var start = await http.PostAsync($"{api}/{nameof(AwaitEventWorkflow)}/start?instanceID={id}", Json("\"managed\""), deadline.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        await StatusAsync(http, api, id, "RUNNING");
        await AcceptedAsync(http, $"{api}/{id}/pause", deadline.Token);
        await StatusAsync(http, api, id, "SUSPENDED");
        await AcceptedAsync(http, $"{api}/{id}/resume", deadline.Token);
        await StatusAsync(http, api, id, "RUNNING");
        await AcceptedAsync(http, $"{api}/{id}/terminate", deadline.Token);
        var terminated = await StatusAsync(http, api, id, "TERMINATED");
        Assert.False(terminated["properties"]!.AsObject().ContainsKey("dapr.workflow.output"), $"terminated without output: {terminated}");
        Assert.Empty(workflows.Probe.Runs(id, nameof(NoteActivity)));

        await AcceptedAsync(http, $"{api}/{id}/purge", deadline.Token);
        await ErrorAsync(http.GetAsync($"{api}/{id}", deadline.Token), HttpStatusCode.NotFound, "ERR_INSTANCE_ID_NOT_FOUND",
            $"unable to find workflow with the provided instance ID: {id}");
        Assert.False((await workflows.Client.GetWorkflowStateAsync(id, cancellation: deadline.Token)).Exists);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Unknown_ids_are_404_and_ids_too_long_or_with_other_characters_than_letters_digits_dash_and_underscore_are_400(string version)
    {
        using var deadline = WorkflowApp.Deadline();
        using var http = workflows.CreateHttpClient();
        var api = $"/{version}/workflows/dapr";
        var unknown = WorkflowApp.NewInstanceId("unknown");

        await ErrorAsync(http.GetAsync($"{api}/{unknown}", deadline.Token), HttpStatusCode.NotFound, "ERR_INSTANCE_ID_NOT_FOUND",
            $"unable to find workflow with the provided instance ID: {unknown}");
        await ErrorAsync(http.PostAsync($"{api}/{unknown}/purge", null, deadline.Token), HttpStatusCode.NotFound, "ERR_INSTANCE_ID_NOT_FOUND");
        await ErrorAsync(http.PostAsync($"{api}/{nameof(AwaitEventWorkflow)}/start?instanceID={new string('a', 65)}", Json("\"x\""), deadline.Token),
            HttpStatusCode.BadRequest, "ERR_INSTANCE_ID_TOO_LONG");
        await ErrorAsync(http.PostAsync($"{api}/{nameof(AwaitEventWorkflow)}/start?instanceID=not.valid-{Guid.NewGuid():N}", Json("\"x\""), deadline.Token),
            HttpStatusCode.BadRequest, "ERR_INSTANCE_ID_INVALID");

        // The limits are exactly those: 64 characters of letters, digits, '-' and '_' are a valid id.
        var longest = ("Zz_-" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"))[..64];
        await AcceptedAsync(http, $"{api}/{nameof(AwaitEventWorkflow)}/start?instanceID={longest}", deadline.Token, Json("\"x\""));
        await StatusAsync(http, api, longest, "RUNNING");
        await AcceptedAsync(http, $"{api}/{longest}/terminate", deadline.Token);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task AcceptedAsync(HttpClient http, string path, CancellationToken cancellation, HttpContent? content = null)
    {
        using var response = await http.PostAsync(path, content, cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}");
    }

    private static async Task ErrorAsync(Task<HttpResponseMessage> request, HttpStatusCode status, string errorCode, string? message = null)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"expected {(int)status} {errorCode}, got {(int)response.StatusCode}: {body}");
        var error = JsonNode.Parse(body)!;
        Assert.Equal(errorCode, error["errorCode"]?.GetValue<string>());
        if (message is not null)
        {
            Assert.Equal(message, error["message"]?.GetValue<string>());
        }
    }

    /// <summary>Polls GET until the instance shows <paramref name="runtimeStatus"/>; returns that body.</summary>
    private static async Task<JsonObject> StatusAsync(HttpClient http, string api, string id, string runtimeStatus)
    {
        return await Poll.UntilAsync(
            async () => JsonNode.Parse(await http.GetStringAsync($"{api}/{id}"))!.AsObject(),
            body => body["runtimeStatus"]?.GetValue<string>() == runtimeStatus,
            $"{id} to be {runtimeStatus}",
            WorkflowApp.Patience);
    }

    /// <summary>Parses an RFC 3339 timestamp that must be in UTC (<c>Z</c>).</summary>
    private static DateTimeOffset UtcTimestamp(string value)
    {
        Assert.EndsWith("Z", value, StringComparison.Ordinal);
        return DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
