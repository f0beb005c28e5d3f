using LocalSidecar.Hosting;
using Sidecart.Testing;
using Sidecart.Testing.Telemetry;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>A sidecar's <c>--metrics-port</c>, read with a Prometheus text parser: daprd's families, names and labels.</summary>
public sealed class SidecarMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_count_the_calls_made_by_daprds_names_and_labels()
    {
        await using var app = await RecordingApp.StartAsync();
        await using var system = await SystemAsync("");
        var caller = await system.StartAsync("caller", null);
        await system.StartAsync("callee", app.Port);
        using var http = new HttpClient();
        for (var i = 0; i < 3; i++)
        {
            (await http.GetAsync(new Uri(caller.HttpEndpoint, $"/v1.0/state/statestore/key-{i}"), Ct)).Dispose();
        }

        using (var save = await http.PostAsync(new Uri(caller.HttpEndpoint, "/v1.0/state/statestore"),
            new StringContent("""[{"key":"k","value":1}]""", System.Text.Encoding.UTF8, "application/json"), Ct))
        {
            Assert.True(save.IsSuccessStatusCode);
        }

        for (var i = 0; i < 2; i++)
        {
            (await http.PostAsync(new Uri(caller.HttpEndpoint, $"/v1.0/invoke/callee/method/orders/{i}"), null, Ct)).Dispose();
        }

        var text = await MetricsAsync(http, caller);
        var metrics = PrometheusText.Parse(text);
        Assert.Equal(3, metrics.Value("dapr_http_server_request_count", ("app_id", "caller"), ("method", "GET"), ("path", "/v1.0/state/statestore"), ("status", "204")));
        Assert.Equal(3, metrics.Value("dapr_http_server_latency_count", ("app_id", "caller"), ("method", "GET"), ("path", "/v1.0/state/statestore"), ("status", "204")));
        Assert.Equal(3, metrics.Value("dapr_http_server_latency_bucket", ("method", "GET"), ("path", "/v1.0/state/statestore"), ("le", "+Inf")));
        Assert.Equal(3, metrics.Value("dapr_component_state_count", ("app_id", "caller"), ("component", "statestore"), ("namespace", ""), ("operation", "get"), ("success", "true")));
        Assert.Equal(1, metrics.Value("dapr_component_state_count", ("operation", "set"), ("success", "true")));
        // Legacy cardinality keeps an invocation's path as it is.
        Assert.Equal(1, metrics.Value("dapr_http_server_request_count", ("path", "/v1.0/invoke/callee/method/orders/1"), ("status", "200")));
        Assert.Equal(2, metrics.Value("dapr_runtime_service_invocation_req_sent_total", ("app_id", "caller"), ("dst_app_id", "callee"), ("type", "unary")));
        Assert.Equal(2, metrics.Value("dapr_runtime_service_invocation_res_recv_total", ("src_app_id", "callee"), ("status", "200")));
        Assert.Equal("counter", metrics.Types["dapr_http_server_request_count"]);
        Assert.Equal("histogram", metrics.Types["dapr_http_server_latency"]);
        Assert.DoesNotContain("_total{", text.Replace("req_sent_total{", "").Replace("res_recv_total{", "").Replace("res_sent_total{", "").Replace("req_recv_total{", "").Replace("init_total{", ""));
        Assert.DoesNotContain("otel_scope_name", text);
        // daprd's buckets (ms), upper bound 100000.
        Assert.Contains(metrics.Samples, s => s.Name == "dapr_http_server_latency_bucket" && s.Labels["le"] == "100000");
        // Any path answers the same exposition.
        Assert.Contains("dapr_http_server_request_count", await http.GetStringAsync(new Uri($"http://127.0.0.1:{caller.MetricsPort}/"), Ct));
    }

    [Fact]
    public async Task Path_rules_of_spec_metrics_bound_what_is_recorded()
    {
        await using var app = await RecordingApp.StartAsync();
        await using var system = await SystemAsync("""
              metrics:
                http:
                  increasedCardinality: false
                  pathMatching: ["/orders/{id}"]
            """);
        var caller = await system.StartAsync("caller", null);
        await system.StartAsync("callee", app.Port);
        using var http = new HttpClient();
        for (var i = 0; i < 4; i++)
        {
            (await http.PostAsync(new Uri(caller.HttpEndpoint, $"/v1.0/invoke/callee/method/orders/{i}"), null, Ct)).Dispose();
            (await http.GetAsync(new Uri(caller.HttpEndpoint, $"/v1.0/state/statestore/key-{i}"), Ct)).Dispose();
        }

        var metrics = PrometheusText.Parse(await MetricsAsync(http, caller));
        var requests = metrics.Samples.Where(s => s.Name == "dapr_http_server_request_count").ToList();
        Assert.Equal(4, metrics.Value("dapr_http_server_request_count", ("path", "/v1.0/invoke/{app_id}/method/orders/{id}"), ("method", "POST")));
        Assert.Equal(4, metrics.Value("dapr_http_server_request_count", ("path", ""), ("method", "GET")));
        Assert.Equal(2, requests.Count);
    }

    [Fact]
    public async Task Metrics_disabled_in_the_configuration_record_nothing()
    {
        await using var system = await SystemAsync("""
              metrics:
                enabled: false
            """);
        var sidecar = await system.StartAsync("quiet", null);
        using var http = new HttpClient();
        (await http.GetAsync(new Uri(sidecar.HttpEndpoint, "/v1.0/metadata"), Ct)).Dispose();

        Assert.Empty(PrometheusText.Parse(await MetricsAsync(http, sidecar)).Samples);
    }

    private static async Task<string> MetricsAsync(HttpClient http, Sidecar sidecar)
    {
        Assert.NotNull(sidecar.MetricsPort);
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{sidecar.MetricsPort}/metrics"), Ct);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private static async Task<LocalSidecars> SystemAsync(string spec)
    {
        LocalSidecars? system = null;
        system = new LocalSidecars("sidecart-metrics", o => o with { ConfigPath = Path.Combine(system!.Root, "config.yaml"), MetricsPort = 0 });
        await system.WriteInMemoryComponentsAsync();
        await File.WriteAllTextAsync(Path.Combine(system.Root, "config.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata: {"{"}name: metrics{"}"}
            spec:
            {spec}
            """);
        return system;
    }
}
