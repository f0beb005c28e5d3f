using LocalSidecar.Diagnostics;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using LocalSidecar.Api.Universal;
using LocalSidecar.Invocation;
using LocalSidecar.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using StateItemRequest = LocalSidecar.Api.Universal.StateItemRequest;

namespace LocalSidecar.Api.Grpc;

/// <summary>The rpcs of <c>dapr.proto.runtime.v1.Dapr</c> the local sidecar serves. Each one only reads its request
/// message and writes its reply; the semantics live in the same core the HTTP API calls
/// (https://docs.dapr.io/reference/api/, dapr/dapr pkg/api/grpc/grpc.go). Failures of the core are rendered by
/// <see cref="DaprGrpcMethods"/>.</summary>
public sealed class DaprGrpcService(
    StateOperations state,
    PublishOperations publish,
    SecretOperations secrets,
    MetadataOperations metadata,
    ServiceInvoker invoker,
    ShutdownSignal shutdown,
    Hosting.SidecarContext context)
{
    public async Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext call)
    {
        var item = await state.GetAsync(request.StoreName, request.Key, request.Metadata, appIdInErrors: false, call.CancellationToken);
        var response = new GetStateResponse();
        if (item is not null)
        {
            response.Data = ByteString.CopyFrom(item.Value);
            response.Etag = item.ETag ?? "";
            response.Metadata.Add(item.Metadata.ToDictionary());
        }

        return response;
    }

    public async Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext call)
    {
        state.Find(request.StoreName, appIdInErrors: false);
        var response = new GetBulkStateResponse();
        if (request.Keys.Count == 0)
        {
            return response;
        }

        var results = await state.BulkGetAsync(request.StoreName, request.Keys, request.Parallelism, request.Metadata, appIdInErrors: false, call.CancellationToken);
        foreach (var result in results)
        {
            var item = new BulkStateItem { Key = result.Key, Error = result.Error ?? "" };
            if (result.Item is { } found)
            {
                item.Data = ByteString.CopyFrom(found.Value);
                item.Etag = found.ETag ?? "";
                item.Metadata.Add(found.Metadata.ToDictionary());
            }

            response.Items.Add(item);
        }

        return response;
    }

    public async Task<Empty> SaveState(SaveStateRequest request, ServerCallContext call)
    {
        state.Find(request.StoreName, appIdInErrors: false);
        if (request.States.Count == 0)
        {
            return new Empty();
        }

        var items = request.States.Select(ItemOf).ToList();
        foreach (var item in items.Where(i => i.Metadata.TryGetValue("contentType", out var type) && type == "application/json"))
        {
            EnsureJson(item.Value);
        }

        await state.SaveAsync(request.StoreName, items, appIdInErrors: false, call.CancellationToken);
        return new Empty();
    }

    public async Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext call)
    {
        var item = new StateItemRequest(request.Key, [], request.Etag?.Value, request.Metadata,
            Concurrency(request.Options?.Concurrency), Consistency(request.Options?.Consistency));
        await state.DeleteAsync(request.StoreName, item, appIdInErrors: false, call.CancellationToken);
        return new Empty();
    }

    public async Task<Empty> DeleteBulkState(DeleteBulkStateRequest request, ServerCallContext call)
    {
        await state.BulkDeleteAsync(request.StoreName, request.States.Select(ItemOf).ToList(), call.CancellationToken);
        return new Empty();
    }

    public async Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext call)
    {
        // Transaction values always reach the store as bytes (daprd applies no contentType rule here).
        var operations = request.Operations
            .Select(o => new StateOperationRequest(o.OperationType, ItemOf(o.Request ?? new StateItem()) with { IsBinary = true }))
            .ToList();
        await state.TransactAsync(request.StoreName, operations, request.Metadata, appIdInErrors: false, call.CancellationToken);
        return new Empty();
    }

    public async Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext call)
    {
        var input = new PublishInput(request.PubsubName, request.Topic, request.Data.ToByteArray(), NullIfEmpty(request.DataContentType), request.Metadata, Trace(call));
        await publish.PublishAsync(input, call.CancellationToken);
        return new Empty();
    }

    /// <summary>Over gRPC a bulk publish with any failed entry fails as a whole (daprd does not return the failed
    /// entries on this transport).</summary>
    public async Task<BulkPublishResponse> BulkPublishEvent(BulkPublishRequest request, ServerCallContext call)
    {
        var entries = request.Entries.Select(e => new BulkPublishEntry(e.EntryId, e.Event.ToByteArray(), NullIfEmpty(e.ContentType), e.Metadata)).ToList();
        var failures = await publish.BulkPublishAsync(request.PubsubName, request.Topic, entries, request.Metadata, Trace(call), call.CancellationToken);
        if (failures.Count > 0)
        {
            throw DaprErrors.PubSubPublishMessage(request.PubsubName, request.Topic, failures[0].Error).ToException();
        }

        return new BulkPublishResponse();
    }

    public async Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext call)
    {
        var values = await secrets.GetAsync(request.StoreName, request.Key, request.Metadata, call.CancellationToken);
        return new GetSecretResponse { Data = { values.ToDictionary() } };
    }

    public async Task<GetBulkSecretResponse> GetBulkSecret(GetBulkSecretRequest request, ServerCallContext call)
    {
        var all = await secrets.BulkGetAsync(request.StoreName, request.Metadata, call.CancellationToken);
        var response = new GetBulkSecretResponse();
        foreach (var (name, values) in all)
        {
            response.Data[name] = new SecretResponse { Secrets = { values.ToDictionary() } };
        }

        return response;
    }

    public Task<GetMetadataResponse> GetMetadata(GetMetadataRequest request, ServerCallContext call) =>
        Task.FromResult(GrpcMetadata.From(metadata.Describe()));

    public Task<Empty> SetMetadata(SetMetadataRequest request, ServerCallContext call)
    {
        metadata.Set(request.Key, request.Value);
        return Task.FromResult(new Empty());
    }

    /// <summary>Answers at once; the graceful shutdown starts once the answer is sent, as daprd does.</summary>
    public Task<Empty> Shutdown(ShutdownRequest request, ServerCallContext call)
    {
        call.GetHttpContext().Response.OnCompleted(() =>
        {
            shutdown.Request();
            return Task.CompletedTask;
        });
        return Task.FromResult(new Empty());
    }

    /// <summary>Service invocation of an HTTP app: the <c>http_extension</c> gives the verb and query; the app's
    /// status is reported in <c>dapr-http-status</c> and a failing one becomes the gRPC error daprd derives from it.</summary>
    public async Task<InvokeResponse> InvokeService(InvokeServiceRequest request, ServerCallContext call)
    {
        var message = request.Message ?? new InvokeRequest();
        if (message.HttpExtension is not { Verb: not HTTPExtension.Types.Verb.None } extension)
        {
            throw DaprErrors.DirectInvoke(request.Id, "rpc error: code = InvalidArgument desc = missing HTTP extension field").ToException();
        }

        context.Telemetry.Tracing.NameInvocation(request.Id, message.Method);
        var pathAndQuery = "/" + string.Join('/', message.Method.Split('/').Select(Uri.EscapeDataString))
            + (extension.Querystring.Length > 0 ? "?" + extension.Querystring : "");
        var body = RequestBody.FromBytes(message.Data?.Value.ToByteArray() ?? [], NullIfEmpty(message.ContentType));
        var invocation = new InvocationRequest(extension.Verb.ToString().ToUpperInvariant(), pathAndQuery, Headers(call.RequestHeaders), body);
        using var response = await invoker.InvokeAsync(request.Id, invocation, call.CancellationToken);
        var status = (int)response.StatusCode;
        var data = await response.Content.ReadAsByteArrayAsync(call.CancellationToken);
        await call.WriteResponseHeadersAsync(new Metadata { { "dapr-http-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        if (GrpcErrors.CodeFromHttpStatus(status) != StatusCode.OK)
        {
            throw GrpcErrors.FromHttpStatus(status, System.Text.Encoding.UTF8.GetString(data));
        }

        return new InvokeResponse
        {
            Data = new Any { Value = ByteString.CopyFrom(data) },
            ContentType = response.Content.Headers.ContentType?.ToString() ?? "",
        };
    }

    /// <summary>daprd hands a gRPC value to the store as bytes, unless its metadata says <c>contentType: application/json</c>.</summary>
    private static StateItemRequest ItemOf(StateItem item) =>
        new(item.Key, item.Value.ToByteArray(), item.Etag?.Value, item.Metadata, Concurrency(item.Options?.Concurrency), Consistency(item.Options?.Consistency))
        {
            IsBinary = !(item.Metadata.TryGetValue("contentType", out var type) && type == "application/json"),
        };

    private static string Concurrency(StateOptions.Types.StateConcurrency? concurrency) => concurrency switch
    {
        StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite => "first-write",
        StateOptions.Types.StateConcurrency.ConcurrencyLastWrite => "last-write",
        _ => "",
    };

    private static string Consistency(StateOptions.Types.StateConsistency? consistency) => consistency switch
    {
        StateOptions.Types.StateConsistency.ConsistencyEventual => "eventual",
        StateOptions.Types.StateConsistency.ConsistencyStrong => "strong",
        _ => "",
    };

    /// <summary>With <c>contentType: application/json</c> daprd decodes the value first; a value that is not JSON fails
    /// with the decoder's plain error (status Unknown).</summary>
    private static void EnsureJson(byte[] value)
    {
        try
        {
            using var _ = JsonDocument.Parse(value);
        }
        catch (JsonException e)
        {
            throw new RpcException(new global::Grpc.Core.Status(StatusCode.Unknown, e.Message));
        }
    }

    private TraceContext Trace(ServerCallContext call) =>
        context.Telemetry.Tracing.ForCloudEvent(call.RequestHeaders.Get("traceparent")?.Value, call.RequestHeaders.Get("tracestate")?.Value);

    /// <summary>The caller's metadata as HTTP headers for the app: text entries only, without the gRPC transport's own
    /// and without the API token.</summary>
    private static List<KeyValuePair<string, StringValues>> Headers(Metadata metadata) =>
        metadata.Where(entry => !entry.IsBinary && !entry.Key.StartsWith("grpc-", StringComparison.Ordinal)
                && entry.Key is not ("content-type" or "te" or "user-agent" or ApiToken.Header) && !entry.Key.StartsWith(':'))
            .GroupBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(group => KeyValuePair.Create(group.Key, new StringValues(group.Select(e => e.Value).ToArray())))
            .ToList();

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
