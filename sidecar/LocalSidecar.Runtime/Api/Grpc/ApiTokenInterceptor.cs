using Grpc.Core;
using Grpc.Core.Interceptors;
using LocalSidecar.Hosting;
using LocalSidecar.Security;

namespace LocalSidecar.Api.Grpc;

/// <summary>Enforces DAPR_API_TOKEN on every gRPC method, reflection included (gRPC has no health exemption): the first
/// <c>dapr-api-token</c> value must match, else Unauthenticated as daprd answers (dapr/dapr pkg/api/grpc/auth.go).</summary>
public sealed class ApiTokenInterceptor(SidecarContext sidecar) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (sidecar.Options.ApiToken is not { Length: > 0 } token)
        {
            return;
        }

        var presented = context.RequestHeaders.Get(ApiToken.Header)?.Value;
        if (presented is null)
        {
            throw GrpcErrors.FromHttpStatus(401, "missing api token in request metadata");
        }

        if (!ApiToken.Matches(presented, token))
        {
            throw GrpcErrors.FromHttpStatus(401, "authentication error: api token mismatch");
        }
    }
}
