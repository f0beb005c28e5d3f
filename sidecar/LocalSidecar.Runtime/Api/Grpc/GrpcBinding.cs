using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using MethodDescriptor = Google.Protobuf.Reflection.MethodDescriptor;

namespace LocalSidecar.Api.Grpc;

/// <summary>Binding rpcs by hand from a service descriptor (the Dapr packages ship messages and client stubs, no server
/// base classes).</summary>
internal static class GrpcBinding
{
    public static readonly List<object> NoMetadata = [];

    /// <summary>What Grpc.AspNetCore keeps of a service type for its method providers (so ahead-of-time compilation keeps it too).</summary>
    public const DynamicallyAccessedMemberTypes GrpcServiceMembers =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    public static Marshaller<T> MarshallerOf<T>() where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(message => message.ToByteArray(), parser.ParseFrom);
    }

    /// <summary>An rpc answering Unimplemented with its name, the answer the SDKs' fallbacks expect. The request is
    /// never decoded: the bytes pass through an identity marshaller.</summary>
    public static void AddUnimplemented<[DynamicallyAccessedMembers(GrpcServiceMembers)] TService>(ServiceMethodProviderContext<TService> context, string serviceName, MethodDescriptor rpc)
        where TService : class
    {
        var bytes = Marshallers.Create<byte[]>(b => b, b => b);
        var type = (rpc.IsClientStreaming, rpc.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            (true, true) => MethodType.DuplexStreaming,
        };
        var method = new Method<byte[], byte[]>(type, serviceName, rpc.Name, bytes, bytes);
        var refusal = new RpcException(new Status(StatusCode.Unimplemented, $"the local sidecar does not implement {serviceName}/{rpc.Name}"));
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
}
