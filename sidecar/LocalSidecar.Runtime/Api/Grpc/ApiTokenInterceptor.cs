using Grpc.Core;
using LocalSidecar.Hosting;
using LocalSidecar.Security;

namespace LocalSidecar.Api.Grpc;

/// <summary>Enforces DAPR_API_TOKEN on every gRPC method, reflection included (gRPC has no health exemption): the first
/// <c>dapr-api-token</c> value must match, else Unauthenticated as daprd answers (dapr/dapr pkg/api/grpc/auth.go).</summary>
public sealed class ApiTokenInterceptor(SidecarContext sidecar) : CallCheckInterceptor
{
    protected override void Check(ServerCallContext context)
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
