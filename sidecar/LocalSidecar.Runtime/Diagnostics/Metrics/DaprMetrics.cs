using System.Text;
using LocalSidecar.Components.Configuration;

namespace LocalSidecar.Diagnostics.Metrics;

/// <summary>One sidecar's metrics, by daprd's Prometheus names, labels and units (milliseconds, bytes). Recording is
/// off when the Configuration says <c>spec.metrics.enabled: false</c>; the exposition then holds nothing.</summary>
public sealed class DaprMetrics
{
    private static readonly double[] SizeBuckets = [1024, 2048, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 4294967296];

    private readonly List<MetricFamily> _families = [];
    private readonly string _appId;
    private readonly string _namespace;
    private readonly Dictionary<string, int> _pendingActorCalls = new(StringComparer.Ordinal);

    public DaprMetrics(string appId, MetricSpec spec, string? @namespace = null)
    {
        _appId = appId;
        _namespace = @namespace ?? "";
        Spec = spec;
        HttpPath = new HttpMetricPath(spec);
        var latency = spec.LatencyBuckets;

        HttpServerRequestCount = Counter("dapr_http_server_request_count", "Count of HTTP requests processed by the server.", "app_id", "method", "path", "status");
        HttpServerLatency = Histogram("dapr_http_server_latency", "HTTP request end-to-end latency in server.", latency, "app_id", "method", "path", "status");
        HttpServerResponseCount = Counter("dapr_http_server_response_count", "The number of HTTP responses", "app_id", "method", "path", "status");
        HttpServerRequestBytes = Histogram("dapr_http_server_request_bytes", "HTTP request body size if set as ContentLength (uncompressed) in server.", SizeBuckets, "app_id");
        HttpServerResponseBytes = Histogram("dapr_http_server_response_bytes", "HTTP response body size (uncompressed) in server.", SizeBuckets, "app_id");
        HttpClientCompletedCount = Counter("dapr_http_client_completed_count", "Count of completed requests", "app_id", "method", "path", "status");
        HttpClientRoundtripLatency = Histogram("dapr_http_client_roundtrip_latency", "Time between first byte of request headers sent to last byte of response received, or terminal error", latency, "app_id", "method", "path", "status");

        GrpcServerCompletedRpcs = Counter("dapr_grpc_io_server_completed_rpcs", "Count of RPCs by method and status.", "app_id", "grpc_server_method", "grpc_server_status");
        GrpcServerLatency = Histogram("dapr_grpc_io_server_server_latency", "Distribution of server latency in milliseconds, by method.", latency, "app_id", "grpc_server_method");

        InvocationRequestSent = Counter("dapr_runtime_service_invocation_req_sent_total", "The number of requests sent via service invocation.", "app_id", "dst_app_id", "type");
        InvocationRequestReceived = Counter("dapr_runtime_service_invocation_req_recv_total", "The number of requests received via service invocation.", "app_id", "src_app_id");
        InvocationResponseSent = Counter("dapr_runtime_service_invocation_res_sent_total", "The number of responses sent via service invocation.", "app_id", "dst_app_id", "status");
        InvocationResponseReceived = Counter("dapr_runtime_service_invocation_res_recv_total", "The number of responses received via service invocation.", "app_id", "src_app_id", "status", "type");
        InvocationResponseLatency = Histogram("dapr_runtime_service_invocation_res_recv_latency_ms", "The latency of service invocation response.", latency, "app_id", "src_app_id", "status");

        PubSubEgressCount = Counter("dapr_component_pubsub_egress_count", "The number of outgoing messages published to the pub/sub component.", "app_id", "component", "namespace", "success", "topic");
        PubSubEgressLatency = Histogram("dapr_component_pubsub_egress_latencies", "The latency of the response from the pub/sub component.", latency, "app_id", "component", "namespace", "success", "topic");
        PubSubIngressCount = Counter("dapr_component_pubsub_ingress_count", "The number of incoming messages arriving from the pub/sub component.", "app_id", "component", "namespace", "process_status", "status", "topic");
        PubSubIngressLatency = Histogram("dapr_component_pubsub_ingress_latencies", "The consuming app event processing latency.", latency, "app_id", "component", "namespace", "process_status", "status", "topic");
        StateCount = Counter("dapr_component_state_count", "The number of operations performed on the state component.", "app_id", "component", "namespace", "operation", "success");
        StateLatency = Histogram("dapr_component_state_latencies", "The latency of the state component.", latency, "app_id", "component", "namespace", "operation", "success");
        SecretCount = Counter("dapr_component_secret_count", "The number of operations performed on the secret component.", "app_id", "component", "namespace", "operation", "success");
        SecretLatency = Histogram("dapr_component_secret_latencies", "The latency of the secret component.", latency, "app_id", "component", "namespace", "operation", "success");

        ComponentLoaded = Counter("dapr_runtime_component_loaded", "The number of successfully loaded components.", "app_id");
        ComponentInit = Counter("dapr_runtime_component_init_total", "The number of initialized components.", "app_id", "component");
        ActorReminderFired = Counter("dapr_runtime_actor_reminders_fired_total", "The number of actor reminder fired requests.", "app_id", "actor_type", "success");
        ActorTimerFired = Counter("dapr_runtime_actor_timers_fired_total", "The number of actor timer fired requests.", "app_id", "actor_type", "success");
        ActorPendingCalls = Gauge("dapr_runtime_actor_pending_actor_calls", "The number of pending actor calls waiting to acquire the per-actor lock.", "app_id", "actor_type");
        ActorTimers = Gauge("dapr_runtime_actor_timers", "The number of actor timer requests.", "app_id", "actor_type");
        ActorDeactivatedCount = Counter("dapr_runtime_actor_deactivated_total", "The number of the successful actor deactivation.", "app_id", "actor_type");
        ActorDeactivationFailedCount = Counter("dapr_runtime_actor_deactivated_failed_total", "The number of the failed actor deactivation.", "app_id", "actor_type", "reason");
        WorkflowOperationCount = Counter("dapr_runtime_workflow_operation_count", "The number of successful/failed workflow operation requests.", "app_id", "namespace", "operation", "status");
        WorkflowOperationLatency = Histogram("dapr_runtime_workflow_operation_latency", "The latencies of responses for workflow operation requests.", latency, "app_id", "namespace", "operation", "status");
        WorkflowExecutionCount = Counter("dapr_runtime_workflow_execution_count", "The number of successful/failed/terminated/recoverable workflow executions.", "app_id", "namespace", "status", "workflow_name");
        WorkflowExecutionLatency = Histogram("dapr_runtime_workflow_execution_latency", "The total time taken to run workflow to completion.", latency, "app_id", "namespace", "status", "workflow_name");
        WorkflowSchedulingLatency = Histogram("dapr_runtime_workflow_scheduling_latency", "Interval between workflow execution request and workflow execution.", latency, "app_id", "namespace", "workflow_name");
        ActivityOperationCount = Counter("dapr_runtime_workflow_activity_operation_count", "The number of successful/failed activity operation requests.", "app_id", "activity_name", "namespace", "status");
        ActivityOperationLatency = Histogram("dapr_runtime_workflow_activity_operation_latency", "The latencies of responses for activity operation requests.", latency, "app_id", "activity_name", "namespace", "status");
        ActivityExecutionCount = Counter("dapr_runtime_workflow_activity_execution_count", "The number of successful/failed/recoverable activity executions.", "app_id", "activity_name", "namespace", "status");
        ActivityExecutionLatency = Histogram("dapr_runtime_workflow_activity_execution_latency", "The total time taken to run an activity to completion.", latency, "app_id", "activity_name", "namespace", "status");
        ResiliencyLoaded = Counter("dapr_resiliency_loaded", "Number of resiliency policies loaded.", "app_id", "name", "namespace");
        ResiliencyCount = Counter("dapr_resiliency_count", "Number of times a resiliency policyKey has been applied to a building block.", "app_id", "flow_direction", "name", "namespace", "policy", "status", "target");
        ResiliencyActivations = Counter("dapr_resiliency_activations_total", "Number of times a resiliency policyKey has been activated in a building block after a failure or after a state change.", "app_id", "flow_direction", "name", "namespace", "policy", "status", "target");
        ResiliencyCircuitBreakerState = Gauge("dapr_resiliency_cb_state", "A resiliency policy's current CircuitBreakerState state. 0 is closed, 1 is half-open, 2 is open, and -1 is unknown.", "app_id", "flow_direction", "name", "namespace", "policy", "status", "target");
    }

    public MetricSpec Spec { get; }

    public bool Enabled => Spec.Enabled;

    public HttpMetricPath HttpPath { get; }

    public MetricFamily HttpServerRequestCount { get; }
    public MetricFamily HttpServerLatency { get; }
    public MetricFamily HttpServerResponseCount { get; }
    public MetricFamily HttpServerRequestBytes { get; }
    public MetricFamily HttpServerResponseBytes { get; }
    public MetricFamily HttpClientCompletedCount { get; }
    public MetricFamily HttpClientRoundtripLatency { get; }
    public MetricFamily GrpcServerCompletedRpcs { get; }
    public MetricFamily GrpcServerLatency { get; }
    public MetricFamily InvocationRequestSent { get; }
    public MetricFamily InvocationRequestReceived { get; }
    public MetricFamily InvocationResponseSent { get; }
    public MetricFamily InvocationResponseReceived { get; }
    public MetricFamily InvocationResponseLatency { get; }
    public MetricFamily PubSubEgressCount { get; }
    public MetricFamily PubSubEgressLatency { get; }
    public MetricFamily PubSubIngressCount { get; }
    public MetricFamily PubSubIngressLatency { get; }
    public MetricFamily StateCount { get; }
    public MetricFamily StateLatency { get; }
    public MetricFamily SecretCount { get; }
    public MetricFamily SecretLatency { get; }
    public MetricFamily ComponentLoaded { get; }
    public MetricFamily ComponentInit { get; }
    public MetricFamily ActorReminderFired { get; }
    public MetricFamily ActorTimerFired { get; }
    public MetricFamily ActorPendingCalls { get; }
    public MetricFamily ActorTimers { get; }
    public MetricFamily ActorDeactivatedCount { get; }
    public MetricFamily ActorDeactivationFailedCount { get; }
    public MetricFamily WorkflowOperationCount { get; }
    public MetricFamily WorkflowOperationLatency { get; }
    public MetricFamily WorkflowExecutionCount { get; }
    public MetricFamily WorkflowExecutionLatency { get; }
    public MetricFamily WorkflowSchedulingLatency { get; }
    public MetricFamily ActivityOperationCount { get; }
    public MetricFamily ActivityOperationLatency { get; }
    public MetricFamily ActivityExecutionCount { get; }
    public MetricFamily ActivityExecutionLatency { get; }
    public MetricFamily ResiliencyLoaded { get; }
    public MetricFamily ResiliencyCount { get; }
    public MetricFamily ResiliencyActivations { get; }
    public MetricFamily ResiliencyCircuitBreakerState { get; }

    /// <summary>A request on the HTTP API port, labelled as daprd labels it under <c>spec.metrics.http</c>.</summary>
    public void HttpServerRequest(string method, string path, int status, long requestBytes, long responseBytes, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        var pathLabel = HttpPath.Label(path);
        var methodLabel = HttpPath.Method(method);
        var statusLabel = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // daprd truncates HTTP server latencies to whole milliseconds.
        var ms = Math.Floor(elapsedMs);
        HttpServerRequestCount.Add(1, _appId, methodLabel, pathLabel, statusLabel);
        HttpServerLatency.Observe(ms, _appId, methodLabel, pathLabel, statusLabel);
        if (HttpPath.Legacy || HttpPath.Matching)
        {
            HttpServerResponseCount.Add(1, _appId, methodLabel, pathLabel, statusLabel);
        }

        HttpServerRequestBytes.Observe(requestBytes, _appId);
        HttpServerResponseBytes.Observe(responseBytes, _appId);
    }

    /// <summary>A call from this sidecar to its app over HTTP.</summary>
    public void HttpClientRequest(string method, string path, int status, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        var pathLabel = HttpPath.Label(path);
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        HttpClientCompletedCount.Add(1, _appId, HttpPath.Method(method), pathLabel, code);
        HttpClientRoundtripLatency.Observe(Math.Floor(elapsedMs), _appId, HttpPath.Method(method), pathLabel, code);
    }

    public void GrpcServerRpc(string fullMethod, string status, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        GrpcServerCompletedRpcs.Add(1, _appId, fullMethod, status);
        GrpcServerLatency.Observe(elapsedMs, _appId, fullMethod);
    }

    /// <summary>The caller's side of an invocation: the request sent and the callee's answer.</summary>
    public void InvocationSent(string targetAppId, int status, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        InvocationRequestSent.Add(1, _appId, targetAppId, "unary");
        // daprd's src_app_id here is the callee: the app the response came from.
        InvocationResponseReceived.Add(1, _appId, targetAppId, code, "unary");
        InvocationResponseLatency.Observe(elapsedMs, _appId, targetAppId, code);
    }

    /// <summary>The callee's side of an invocation.</summary>
    public void InvocationReceived(string callerAppId, int status)
    {
        if (!Enabled)
        {
            return;
        }

        InvocationRequestReceived.Add(1, _appId, callerAppId);
        InvocationResponseSent.Add(1, _appId, callerAppId, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public void PubSubEgress(string component, string topic, bool success, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        var ok = success ? "true" : "false";
        PubSubEgressCount.Add(1, _appId, component, _namespace, ok, topic);
        if (elapsedMs > 0)
        {
            PubSubEgressLatency.Observe(elapsedMs, _appId, component, _namespace, ok, topic);
        }
    }

    /// <param name="processStatus"><c>success</c>, <c>retry</c> or <c>drop</c>.</param>
    /// <param name="appDropped">The app answered DROP: daprd then records status <c>success</c>.</param>
    public void PubSubIngress(string component, string topic, string processStatus, bool appDropped, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        var status = appDropped ? "success" : processStatus;
        PubSubIngressCount.Add(1, _appId, component, _namespace, processStatus, status, topic);
        if (elapsedMs > 0)
        {
            PubSubIngressLatency.Observe(elapsedMs, _appId, component, _namespace, processStatus, status, topic);
        }
    }

    /// <param name="operation"><c>get</c>, <c>set</c>, <c>delete</c>, <c>bulk_get</c>, <c>bulk_delete</c>, <c>transaction</c>, <c>query</c>.</param>
    public void State(string component, string operation, bool success, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        var ok = success ? "true" : "false";
        StateCount.Add(1, _appId, component, _namespace, operation, ok);
        StateLatency.Observe(elapsedMs, _appId, component, _namespace, operation, ok);
    }

    /// <param name="operation"><c>get</c> or <c>bulk_get</c>.</param>
    public void Secret(string component, string operation, bool success, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        var ok = success ? "true" : "false";
        SecretCount.Add(1, _appId, component, _namespace, operation, ok);
        if (elapsedMs > 0)
        {
            SecretLatency.Observe(elapsedMs, _appId, component, _namespace, operation, ok);
        }
    }

    /// <summary><c>dapr_runtime_component_init_total</c> for each component initialised, by type (<c>state.redis</c>).
    /// daprd declares <c>dapr_runtime_component_loaded</c> but never records it.</summary>
    public void ComponentsInitialized(IEnumerable<string> componentTypes)
    {
        if (!Enabled)
        {
            return;
        }

        foreach (var type in componentTypes)
        {
            ComponentInit.Add(1, _appId, type);
        }
    }

    public void ReminderFired(string actorType, bool success)
    {
        if (Enabled)
        {
            ActorReminderFired.Add(1, _appId, actorType, success ? "true" : "false");
        }
    }

    public void TimerFired(string actorType, bool success)
    {
        if (Enabled)
        {
            ActorTimerFired.Add(1, _appId, actorType, success ? "true" : "false");
        }
    }

    /// <summary>The current number of calls waiting for an actor's turn, per type (daprd counts +1 before the wait and
    /// -1 once the turn is had).</summary>
    public void ActorPendingCallsChanged(string actorType, int delta)
    {
        if (!Enabled)
        {
            return;
        }

        lock (_pendingActorCalls)
        {
            var pending = _pendingActorCalls.GetValueOrDefault(actorType) + delta;
            _pendingActorCalls[actorType] = pending;
            ActorPendingCalls.Set(pending, _appId, actorType);
        }
    }

    /// <summary>The number of timers now running for <paramref name="actorType"/>.</summary>
    public void ActorTimerCount(string actorType, int timers)
    {
        if (Enabled)
        {
            ActorTimers.Set(timers, _appId, actorType);
        }
    }

    public void ActorDeactivated(string actorType)
    {
        if (Enabled)
        {
            ActorDeactivatedCount.Add(1, _appId, actorType);
        }
    }

    public void ActorDeactivationFailed(string actorType, string reason)
    {
        if (Enabled)
        {
            ActorDeactivationFailedCount.Add(1, _appId, actorType, reason);
        }
    }

    /// <param name="operation"><c>create_workflow</c>, <c>get_workflow</c>, <c>add_event</c>, <c>purge_workflow</c>.</param>
    public void WorkflowOperation(string operation, bool success, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        var status = success ? "success" : "failed";
        WorkflowOperationCount.Add(1, _appId, _namespace, operation, status);
        if (elapsedMs > 0)
        {
            WorkflowOperationLatency.Observe(elapsedMs, _appId, _namespace, operation, status);
        }
    }

    /// <param name="status"><c>success</c>, <c>failed</c> or <c>terminated</c>.</param>
    public void WorkflowExecuted(string workflowName, string status, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        WorkflowExecutionCount.Add(1, _appId, _namespace, status, workflowName);
        if (elapsedMs > 0)
        {
            WorkflowExecutionLatency.Observe(elapsedMs, _appId, _namespace, status, workflowName);
        }
    }

    /// <summary>From the start request (or its scheduled start time) to the first turn of the workflow; daprd counts
    /// whole milliseconds.</summary>
    public void WorkflowScheduled(string workflowName, double elapsedMs)
    {
        var ms = Math.Floor(elapsedMs);
        if (Enabled && ms > 0)
        {
            WorkflowSchedulingLatency.Observe(ms, _appId, _namespace, workflowName);
        }
    }

    /// <summary>An activity handed to the app's workers: <c>success</c>, or <c>recoverable</c> when it could not be.</summary>
    public void ActivityOperation(string activityName, string status, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        ActivityOperationCount.Add(1, _appId, activityName, _namespace, status);
        if (elapsedMs > 0)
        {
            ActivityOperationLatency.Observe(elapsedMs, _appId, activityName, _namespace, status);
        }
    }

    /// <param name="status"><c>success</c>, <c>failed</c> or <c>recoverable</c>.</param>
    public void ActivityExecuted(string activityName, string status, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        ActivityExecutionCount.Add(1, _appId, activityName, _namespace, status);
        if (elapsedMs > 0)
        {
            ActivityExecutionLatency.Observe(elapsedMs, _appId, activityName, _namespace, status);
        }
    }

    /// <summary>A Resiliency resource loaded (<c>dapr_resiliency_loaded</c>).</summary>
    public void ResiliencyPolicyLoaded(string name)
    {
        if (Enabled)
        {
            ResiliencyLoaded.Add(1, _appId, name, _namespace);
        }
    }

    /// <summary>A policy put in front of one operation (daprd counts each time it builds the policy for a call).</summary>
    /// <param name="policy"><c>retry</c>, <c>timeout</c> or <c>circuitbreaker</c>.</param>
    /// <param name="direction"><c>outbound</c> or <c>inbound</c>.</param>
    /// <param name="target">daprd's target: <c>app_&lt;id&gt;</c>, <c>actor_&lt;type&gt;</c>, <c>&lt;Kind&gt;_&lt;component&gt;</c> (<c>Pubsub_orders</c>).</param>
    public void ResiliencyExecuted(string name, string policy, string direction, string target)
    {
        if (Enabled)
        {
            ResiliencyCount.Add(1, _appId, direction, name, _namespace, policy, "", target);
        }
    }

    /// <summary>A circuit breaker put in front of a call: counted with its state, and the state gauge set.</summary>
    public void CircuitBreakerExecuted(string name, string direction, string target, string state)
    {
        if (Enabled)
        {
            ResiliencyCount.Add(1, _appId, direction, name, _namespace, "circuitbreaker", state, target);
            CircuitBreakerState(name, direction, target, state);
        }
    }

    /// <summary>A circuit breaker that changed state during a call.</summary>
    public void CircuitBreakerChanged(string name, string direction, string target, string state)
    {
        if (Enabled)
        {
            ResiliencyActivations.Add(1, _appId, direction, name, _namespace, "circuitbreaker", state, target);
            CircuitBreakerState(name, direction, target, state);
        }
    }

    /// <summary>daprd writes one <c>dapr_resiliency_cb_state</c> series per state: 1 for the current one, 0 for the others.</summary>
    private void CircuitBreakerState(string name, string direction, string target, string state)
    {
        foreach (var candidate in (string[])["closed", "half-open", "open", "unknown"])
        {
            ResiliencyCircuitBreakerState.Set(candidate == state ? 1 : 0, _appId, direction, name, _namespace, "circuitbreaker", candidate, target);
        }
    }

    /// <summary>A policy that acted: a retry about to be made, a timeout that expired.</summary>
    public void ResiliencyActivated(string name, string policy, string direction, string target)
    {
        if (Enabled)
        {
            ResiliencyActivations.Add(1, _appId, direction, name, _namespace, policy, "", target);
        }
    }

    /// <summary>The Prometheus text exposition (format 0.0.4).</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var family in _families)
        {
            family.Write(text);
        }

        return text.ToString();
    }

    private MetricFamily Counter(string name, string help, params string[] labels) => Add(new MetricFamily(name, help, MetricType.Counter, labels, null, Spec.Rules));

    private MetricFamily Gauge(string name, string help, params string[] labels) => Add(new MetricFamily(name, help, MetricType.Gauge, labels, null, Spec.Rules));

    private MetricFamily Histogram(string name, string help, IReadOnlyList<double> buckets, params string[] labels) => Add(new MetricFamily(name, help, MetricType.Histogram, labels, buckets, Spec.Rules));

    private MetricFamily Add(MetricFamily family)
    {
        _families.Add(family);
        return family;
    }
}
