using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using LocalSidecar.Api.Universal;
using MethodDescriptor = Google.Protobuf.Reflection.MethodDescriptor;

namespace LocalSidecar.Api.Grpc;

/// <summary>Binds the rpcs of <c>dapr.proto.runtime.v1.Dapr</c> to <see cref="DaprGrpcService"/> (the Dapr.Protos
/// package ships messages and a client stub, no server base class). Every other rpc of the service answers
/// Unimplemented with its name, the answer the SDKs' fallbacks expect.</summary>
public sealed class DaprGrpcMethods : IServiceMethodProvider<DaprGrpcService>
{
    public const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    private static readonly List<object> NoMetadata = [];

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

            var method = new Method<TRequest, TResponse>(MethodType.Unary, ServiceName, name, MarshallerOf<TRequest>(), MarshallerOf<TResponse>());
            context.AddUnaryMethod(method, NoMetadata, async (service, request, call) =>
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
            AddUnimplemented(context, rpc);
        }
    }

    /// <summary>The request is never decoded: the bytes pass through an identity marshaller.</summary>
    private static void AddUnimplemented(ServiceMethodProviderContext<DaprGrpcService> context, MethodDescriptor rpc)
    {
        var bytes = Marshallers.Create<byte[]>(b => b, b => b);
        var type = (rpc.IsClientStreaming, rpc.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            (true, true) => MethodType.DuplexStreaming,
        };
        var method = new Method<byte[], byte[]>(type, ServiceName, rpc.Name, bytes, bytes);
        var refusal = new RpcException(new global::Grpc.Core.Status(StatusCode.Unimplemented,
            $"the local sidecar does not implement {ServiceName}/{rpc.Name}"));
        switch (type)
        {
            case MethodType.Unary:
                context.AddUnaryMethod(method, NoMetadata, (_, _, _) => throw refusal);
                break;
            case MethodType.ServerStreaming:
                context.AddServerStreamingMethod(method, NoMetadata, (_, _, _, _) => throw refusal);
                break;
            case MethodType.ClientStreaming:
                context.AddClientStreamingMethod(method, NoMetadata, (_, _, _) => throw refusal);
                break;
            default:
                context.AddDuplexStreamingMethod(method, NoMetadata, (_, _, _, _) => throw refusal);
                break;
        }
    }

    private static Marshaller<T> MarshallerOf<T>() where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(message => message.ToByteArray(), parser.ParseFrom);
    }
}
