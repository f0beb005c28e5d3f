using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using LocalSidecar.Api.Universal;

namespace LocalSidecar.Api.Grpc;

/// <summary>Binds the rpcs of <c>dapr.proto.runtime.v1.Dapr</c> to <see cref="DaprGrpcService"/> (the Dapr.Protos
/// package ships messages and a client stub, no server base class). Every other rpc of the service answers
/// Unimplemented with its name, the answer the SDKs' fallbacks expect.</summary>
public sealed class DaprGrpcMethods : IServiceMethodProvider<DaprGrpcService>
{
    public const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprGrpcService> context)
    {
        var bound = new HashSet<string>(StringComparer.Ordinal);

        void Unary<TRequest, TResponse>(string name, Func<DaprGrpcService, TRequest, ServerCallContext, Task<TResponse>> handler)
            where TRequest : class, IMessage<TRequest>, new()
            where TResponse : class, IMessage<TResponse>, new()
        {
            if (Dapr.Client.Autogen.Grpc.v1.Dapr.Descriptor.FindMethodByName(name) is null)
            {
                throw new InvalidOperationException($"{ServiceName} has no rpc {name}");
            }

            var method = new Method<TRequest, TResponse>(MethodType.Unary, ServiceName, name, GrpcBinding.MarshallerOf<TRequest>(), GrpcBinding.MarshallerOf<TResponse>());
            context.AddUnaryMethod(method, GrpcBinding.NoMetadata, async (service, request, call) =>
            {
                try
                {
                    return await handler(service, request, call);
                }
                catch (DaprApiException e)
                {
                    throw GrpcErrors.ToRpcException(e.Error);
                }
            });
            bound.Add(name);
        }

        Unary<GetStateRequest, GetStateResponse>("GetState", (s, r, c) => s.GetState(r, c));
        Unary<GetBulkStateRequest, GetBulkStateResponse>("GetBulkState", (s, r, c) => s.GetBulkState(r, c));
        Unary<SaveStateRequest, Empty>("SaveState", (s, r, c) => s.SaveState(r, c));
        Unary<DeleteStateRequest, Empty>("DeleteState", (s, r, c) => s.DeleteState(r, c));
        Unary<DeleteBulkStateRequest, Empty>("DeleteBulkState", (s, r, c) => s.DeleteBulkState(r, c));
        Unary<ExecuteStateTransactionRequest, Empty>("ExecuteStateTransaction", (s, r, c) => s.ExecuteStateTransaction(r, c));
        Unary<PublishEventRequest, Empty>("PublishEvent", (s, r, c) => s.PublishEvent(r, c));
        Unary<BulkPublishRequest, BulkPublishResponse>("BulkPublishEvent", (s, r, c) => s.BulkPublishEvent(r, c));
        Unary<BulkPublishRequest, BulkPublishResponse>("BulkPublishEventAlpha1", (s, r, c) => s.BulkPublishEvent(r, c));
        Unary<GetSecretRequest, GetSecretResponse>("GetSecret", (s, r, c) => s.GetSecret(r, c));
        Unary<GetBulkSecretRequest, GetBulkSecretResponse>("GetBulkSecret", (s, r, c) => s.GetBulkSecret(r, c));
        Unary<GetMetadataRequest, GetMetadataResponse>("GetMetadata", (s, r, c) => s.GetMetadata(r, c));
        Unary<SetMetadataRequest, Empty>("SetMetadata", (s, r, c) => s.SetMetadata(r, c));
        Unary<ShutdownRequest, Empty>("Shutdown", (s, r, c) => s.Shutdown(r, c));
        Unary<InvokeServiceRequest, InvokeResponse>("InvokeService", (s, r, c) => s.InvokeService(r, c));

        foreach (var rpc in Dapr.Client.Autogen.Grpc.v1.Dapr.Descriptor.Methods.Where(m => !bound.Contains(m.Name)))
        {
            GrpcBinding.AddUnimplemented(context, ServiceName, rpc);
        }
    }
}
