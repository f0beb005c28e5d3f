using Conformance.Sdk.Harness;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;

namespace Conformance.Sdk.Scoping;

/// <summary>Scoping as a gRPC client meets it: a topic the app may not publish to is PermissionDenied with daprd's
/// <c>DAPR_PUBSUB_FORBIDDEN</c> details, and an rpc that <c>spec.api</c> closes is Unimplemented with daprd's
/// "requested endpoint is not available".</summary>
public sealed class ScopingOverGrpcTests
{
    private static async Task<(SdkSidecar Sidecar, string Folder)> StartAsync(string appId, string pubsubMetadata = "", string? api = null)
    {
        SdkSidecar.RequireInProcess();
        var folder = Directory.CreateTempSubdirectory("sidecart-grpc-scoping").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "scoped.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: scoped
            spec:
              type: pubsub.in-memory
              version: v1
              metadata:
            {pubsubMetadata}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: memory
            spec:
              type: state.in-memory
              version: v1
            """);
        string? config = null;
        if (api is not null)
        {
            config = Path.Combine(folder, "config.yaml");
            await File.WriteAllTextAsync(config, $"""
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: api-rules
                spec:
                  api:
                {api}
                """);
        }

        var sidecar = await SdkSidecar.StartAsync(appId, configure: o => o with { ResourcesPaths = [folder], ConfigPath = config });
        return (sidecar, folder);
    }

    [Fact]
    public async Task Publishing_outside_the_apps_scope_is_PermissionDenied_with_DAPR_PUBSUB_FORBIDDEN()
    {
        var (sidecar, folder) = await StartAsync("orders", """
              - name: publishingScopes
                value: "orders=placed"
            """);
        try
        {
            await using var _ = sidecar;
            using var raw = sidecar.CreateRawClient();
            await raw.Client.PublishEventAsync(new PublishEventRequest { PubsubName = "scoped", Topic = "placed", Data = ByteString.CopyFromUtf8("{}"), DataContentType = "application/json" }, raw.Headers);

            var refused = await Assert.ThrowsAsync<RpcException>(async () => await raw.Client.PublishEventAsync(
                new PublishEventRequest { PubsubName = "scoped", Topic = "refunds", Data = ByteString.CopyFromUtf8("{}"), DataContentType = "application/json" }, raw.Headers));
            Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
            Assert.Equal("topic refunds is not allowed for app id orders", refused.Status.Detail);
            var info = RpcErrors.ErrorInfo(refused)!;
            Assert.Equal("DAPR_PUBSUB_FORBIDDEN", info.Reason);
            Assert.Equal("refunds", info.Metadata["topic"]);

            var bulk = await Assert.ThrowsAsync<RpcException>(async () => await raw.Client.BulkPublishEventAsync(new BulkPublishRequest
            {
                PubsubName = "scoped",
                Topic = "refunds",
                Entries = { new BulkPublishRequestEntry { EntryId = "1", Event = ByteString.CopyFromUtf8("{}"), ContentType = "application/json" } },
            }, raw.Headers));
            Assert.Equal(StatusCode.PermissionDenied, bulk.StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_rpc_outside_the_grpc_allow_list_is_Unimplemented_as_daprd_answers()
    {
        var (sidecar, folder) = await StartAsync("api-rules", api: """
                allowed:
                - {name: state, version: v1, protocol: grpc}
                - {name: publish, version: v1, protocol: http}
            """);
        try
        {
            await using var _ = sidecar;
            using var raw = sidecar.CreateRawClient();
            await raw.Client.SaveStateAsync(new SaveStateRequest { StoreName = "memory", States = { new Dapr.Client.Autogen.Grpc.v1.StateItem { Key = "k", Value = ByteString.CopyFromUtf8("1") } } }, raw.Headers);

            foreach (var call in new Func<Task>[]
            {
                async () => await raw.Client.PublishEventAsync(new PublishEventRequest { PubsubName = "scoped", Topic = "t", Data = ByteString.CopyFromUtf8("{}") }, raw.Headers),
                async () => await raw.Client.GetMetadataAsync(new GetMetadataRequest(), raw.Headers),
            })
            {
                var refused = await Assert.ThrowsAsync<RpcException>(call);
                Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
                Assert.Equal("Not Implemented", refused.Status.Detail);
                var info = RpcErrors.ErrorInfo(refused)!;
                Assert.Equal("501", info.Metadata["http.code"]);
                Assert.Equal("requested endpoint is not available", info.Metadata["http.error_message"]);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_grpc_deny_rule_closes_only_its_group()
    {
        var (sidecar, folder) = await StartAsync("api-rules", api: """
                denied:
                - {name: state, version: v1, protocol: grpc}
            """);
        try
        {
            await using var _ = sidecar;
            using var raw = sidecar.CreateRawClient();
            var refused = await Assert.ThrowsAsync<RpcException>(async () => await raw.Client.GetStateAsync(new GetStateRequest { StoreName = "memory", Key = "k" }, raw.Headers));
            Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
            var metadata = await raw.Client.GetMetadataAsync(new GetMetadataRequest(), raw.Headers);
            Assert.Equal("api-rules", metadata.Id);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
