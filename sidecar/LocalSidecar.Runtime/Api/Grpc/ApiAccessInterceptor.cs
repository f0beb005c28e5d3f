using Grpc.AspNetCore.Server;
using Grpc.Core;
using LocalSidecar.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LocalSidecar.Api.Grpc;

/// <summary>Refuses the Dapr rpcs that the Configuration's <c>spec.api</c> closes, as daprd does: Unimplemented, with
/// the status text and an ErrorInfo carrying HTTP 501 and "requested endpoint is not available".</summary>
public sealed class ApiAccessInterceptor(SidecarContext sidecar) : CallCheckInterceptor
{
    private readonly GrpcApiAccess _access = new(sidecar.Configuration.Api);

    protected override void Check(ServerCallContext context)
    {
        if (!_access.Allows(context.Method))
        {
            throw GrpcErrors.FromHttpStatus(501, "requested endpoint is not available");
        }
    }
}

public static class ApiAccessInterceptorRegistration
{
    /// <summary>Adds the interceptor after those already configured (the API token is checked first).</summary>
    public static IServiceCollection AddGrpcApiAccessRules(this IServiceCollection services)
    {
        services.AddSingleton<ApiAccessInterceptor>();
        services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<ApiAccessInterceptor>());
        return services;
    }
}
