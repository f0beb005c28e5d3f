using Dapr;
using Google.Rpc;
using Grpc.Core;

namespace Conformance.Sdk.Harness;

/// <summary>Reads daprd's rich gRPC errors the way a client that knows google.rpc does: the status details trailer
/// parsed directly (Dapr.Common's own reader expects other type URLs than the ones daprd sends).</summary>
public static class RpcErrors
{
    public static RpcException Inner(DaprException e) =>
        e.InnerException as RpcException ?? throw new Xunit.Sdk.XunitException($"DaprException without an RpcException inside: {e}");

    public static Google.Rpc.Status? Details(RpcException e) =>
        e.Trailers.GetValueBytes("grpc-status-details-bin") is { } bytes ? Google.Rpc.Status.Parser.ParseFrom(bytes) : null;

    public static ErrorInfo? ErrorInfo(RpcException e) =>
        Details(e)?.Details.Where(d => d.Is(Google.Rpc.ErrorInfo.Descriptor)).Select(d => d.Unpack<ErrorInfo>()).SingleOrDefault();

    public static T? Detail<T>(RpcException e) where T : class, Google.Protobuf.IMessage<T>, new() =>
        Details(e)?.Details.Where(d => d.Is(new T().Descriptor)).Select(d => d.Unpack<T>()).SingleOrDefault();
}
