using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.Reflection;
using LocalSidecar.Actors;
using LocalSidecar.Api;
using LocalSidecar.Api.Grpc;
using LocalSidecar.Workflows;
using LocalSidecar.Api.Universal;
using LocalSidecar.Components;
using LocalSidecar.Diagnostics;
using LocalSidecar.Invocation;
using LocalSidecar.Logging;
using LocalSidecar.Messaging;
using LocalSidecar.NameResolution;
using LocalSidecar.Resiliency;
using LocalSidecar.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Hosting;

/// <summary>One running local sidecar: Dapr's HTTP API on <see cref="HttpPort"/>, the sidecar-to-sidecar API on
/// <see cref="InternalPort"/>, its components, and its channel to the app. Hostable in-process (tests, the runner)
/// or from the CLI.</summary>
public sealed class Sidecar : IAsyncDisposable
{
    /// <summary>Paths of the sidecar-to-sidecar API; served only on the internal port.</summary>
    public const string InternalPrefix = "/_internal";

    private readonly WebApplication _app;
    private readonly SidecarContext _context;
    private readonly SubscriptionManager _messaging;
    private readonly IAsyncDisposable _registration;
    private readonly CancellationTokenSource _stopping;
    private readonly ILogger _logger;
    private readonly bool _ownsLoggerFactory;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private Sidecar(WebApplication app, SidecarContext context, SubscriptionManager messaging, IAsyncDisposable registration, CancellationTokenSource stopping, bool ownsLoggerFactory)
    {
        _app = app;
        _context = context;
        _messaging = messaging;
        _registration = registration;
        _stopping = stopping;
        _ownsLoggerFactory = ownsLoggerFactory;
        _logger = context.LoggerFactory.CreateLogger("LocalSidecar");
    }

    public string AppId => _context.AppId;

    public int HttpPort => _context.HttpPort;

    public int GrpcPort => _context.GrpcPort;

    public int InternalPort => _context.InternalPort;

    /// <summary>The Prometheus port (<c>--metrics-port</c>), or null when metrics are not served.</summary>
    public int? MetricsPort => _context.Telemetry.MetricsPort;

    public Uri HttpEndpoint => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>The gRPC API (cleartext HTTP/2), as <c>DAPR_GRPC_ENDPOINT</c> would name it.</summary>
    public Uri GrpcEndpoint => new($"http://127.0.0.1:{GrpcPort}");

    public SidecarContext Context => _context;

    /// <summary>Completes when the sidecar has stopped, including after <c>POST /v1.0/shutdown</c>.</summary>
    public Task Stopped => _stopped.Task;

    public static async Task<Sidecar> StartAsync(SidecarOptions options, CancellationToken cancellationToken = default)
    {
        var ownsLoggerFactory = options.LoggerFactory is null;
        var loggerFactory = options.LoggerFactory ?? SidecarLogging.CreateLoggerFactory(options.AppId, options.LogLevel, options.LogAsJson);
        var logger = loggerFactory.CreateLogger("LocalSidecar");
        ComponentRegistry? components = null;
        WebApplication? app = null;
        WorkloadIdentity? identity = null;
        try
        {
            var resources = ResourceLoader.LoadPaths(options.ResourcesPaths).ScopedTo(options.AppId);
            var configuration = ConfigurationLoader.Load(options.ConfigPath);
            components = await ComponentRegistry.LoadAsync(resources.Components, options.AppId, options.WorkingDirectory, options.Environment, logger, cancellationToken);
            identity = options.Mtls is { } mtls ? WorkloadIdentity.Start(options.AppId, mtls, logger) : null;
            LocalSidecar.Components.State.TransientWriteFailures.Apply(components, options.Faults.StateWriteFailureRate, logger);
            var appChannel = options.AppPort is > 0 ? new AppChannel(options, logger) : null;
            var stopping = new CancellationTokenSource();
            var context = new SidecarContext(options, resources, configuration, components, new ResiliencyPolicies(resources.Resiliencies), appChannel, loggerFactory)
            {
                Stopping = stopping.Token,
                Identity = identity,
                Telemetry = new Diagnostics.SidecarTelemetry(options.AppId, configuration, options.EnableApiLogging, options.TelemetryEnvironment, loggerFactory),
            };
            context.Resiliency.RecordLoaded(context.Telemetry.Metrics);
            context.Telemetry.Metrics.ComponentsInitialized(components.All.Select(c => c.Spec.Type));

            (app, var listeners) = Build(context);
            await app.StartAsync(cancellationToken);
            await app.Services.GetRequiredService<WorkflowEngine>().JoinAsync(context, app.Services.GetRequiredService<ActorRuntime>().StateStore, cancellationToken);
            context.HttpPort = listeners.Http.IPEndPoint!.Port;
            context.GrpcPort = listeners.Grpc.IPEndPoint!.Port;
            context.InternalPort = listeners.Internal.IPEndPoint!.Port;
            if (options.MetricsPort is { } metricsPort)
            {
                await context.Telemetry.StartMetricsServerAsync(metricsPort, cancellationToken);
            }
            var address = new SidecarAddress(options.AppId, Guid.NewGuid().ToString("N"), "127.0.0.1", context.InternalPort, System.Environment.ProcessId)
            {
                HttpPort = context.HttpPort,
            };
            var registration = options.Environment.NameResolver.Register(address);

            var messaging = app.Services.GetRequiredService<SubscriptionManager>();
            var sidecar = new Sidecar(app, context, messaging, registration, stopping, ownsLoggerFactory);
            app.Services.GetRequiredService<ShutdownSignal>().Attach(sidecar.RequestShutdown);
            logger.LogInformation("Local sidecar for app {AppId} serving the Dapr HTTP API on port {HttpPort} and the gRPC API on port {GrpcPort} (internal port {InternalPort})",
                options.AppId, context.HttpPort, context.GrpcPort, context.InternalPort);
            sidecar.StartAppChannel();
            if (appChannel is not null)
            {
                _ = app.Services.GetRequiredService<ActorRuntime>().StartAsync(appChannel, address, stopping.Token);
            }

            return sidecar;
        }
        catch (Exception e)
        {
            logger.LogError("Sidecar for app {AppId} failed to start: {Error}", options.AppId, e.Message);
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            if (components is not null)
            {
                await components.DisposeAsync();
            }

            if (identity is not null)
            {
                await identity.DisposeAsync();
            }

            if (ownsLoggerFactory)
            {
                loggerFactory.Dispose();
            }

            throw;
        }
    }

    /// <summary>Begins a graceful shutdown, as <c>POST /v1.0/shutdown</c> does.</summary>
    public void RequestShutdown() => _ = Task.Run(DisposeAsync);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            await _stopped.Task;
            return;
        }

        _logger.LogInformation("Sidecar for app {AppId} shutting down", AppId);
        await _stopping.CancelAsync();
        await _app.Services.GetRequiredService<ActorRuntime>().DrainAsync();
        await _app.Services.GetRequiredService<WorkflowEngine>().LeaveAsync(_context);
        await _registration.DisposeAsync();
        await _messaging.DisposeAsync();
        using (var grace = new CancellationTokenSource(_context.Options.GracefulShutdown))
        {
            await _app.StopAsync(grace.Token);
        }

        await _app.DisposeAsync();
        if (_context.AppChannel is not null)
        {
            await _context.AppChannel.DisposeAsync();
        }

        await _context.Components.DisposeAsync();
        if (_context.Identity is not null)
        {
            await _context.Identity.DisposeAsync();
        }

        await _context.Telemetry.DisposeAsync();
        _stopping.Dispose();
        if (_ownsLoggerFactory)
        {
            _context.LoggerFactory.Dispose();
        }

        _stopped.TrySetResult();
    }

    private void StartAppChannel()
    {
        if (_context.AppChannel is not { } channel)
        {
            return;
        }

        channel.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                await channel.WaitHealthyAsync(_context.Stopping);
                await _messaging.StartAsync(_context.Stopping);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Starting subscriptions for app {AppId} failed", AppId);
            }
        });
    }

    private static (WebApplication App, Listeners Listeners) Build(SidecarContext context)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(Sidecar).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(context.LoggerFactory);
        builder.Services.AddSingleton(context);
        builder.Services.AddSingleton<SubscriptionManager>();
        builder.Services.AddSingleton<ShutdownSignal>();
        builder.Services.AddSingleton<ActorRuntime>();
        builder.Services.AddSingleton<StateOperations>();
        builder.Services.AddSingleton<PublishOperations>();
        builder.Services.AddSingleton<SecretOperations>();
        builder.Services.AddSingleton<MetadataOperations>();
        builder.Services.AddSingleton<AppForwarder>();
        builder.Services.AddSingleton<ServiceInvoker>();
        builder.Services.AddSingleton<Security.AccessControl.InvocationAccessControl>();
        // Registered as an instance, so that no sidecar's container disposes what the app's other replicas share.
        builder.Services.AddSingleton(context.Options.Environment.Shared(context.AppId, () => new WorkflowEngine(context.AppId, context.LoggerFactory, context.Options.WorkflowTurnTimeout)));
        AddGrpcApi(builder.Services, (int)context.Options.MaxBodySize);
        builder.Services.AddGrpcApiAccessRules();
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = context.Options.GracefulShutdown);

        ListenOptions? http = null;
        ListenOptions? grpc = null;
        ListenOptions? internalHop = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = context.Options.MaxBodySize;
            kestrel.Listen(IPAddress.Loopback, context.Options.DaprHttpPort, o => http = o);
            // gRPC clients speak HTTP/2 without TLS (h2c) with prior knowledge, which Kestrel serves only on an
            // HTTP/2-only endpoint.
            kestrel.Listen(IPAddress.Loopback, context.Options.DaprGrpcPort, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                grpc = o;
            });
            kestrel.Listen(IPAddress.Loopback, context.Options.DaprInternalPort, o => internalHop = o.WithInternalHopSecurity(context));
        });

        var app = builder.Build();
        var listeners = new Listeners(http!, grpc!, internalHop!);
        app.UseCleanPath();
        app.UseBodySizeLimit(context.Options.MaxBodySize);
        app.UseSidecarTelemetry(context);
        app.UseRouting();
        app.Use((httpContext, next) => SeparatePorts(httpContext, next, listeners));
        if (context.Options.ApiToken is { Length: > 0 } token)
        {
            app.UseWhen(h => h.Connection.LocalPort == listeners.Http.IPEndPoint!.Port,
                branch => branch.UseMiddleware<ApiTokenMiddleware>(token));
        }

        app.UseApiAccessRules(context, listeners.Http);

        app.MapHealthApi();
        app.MapMetadataApi();
        app.MapShutdownApi();
        app.MapSecretsApi();
        app.MapStateApi();
        app.MapPublishApi();
        app.MapActorsApi();
        app.MapInternalActorsApi();
        app.MapInternalInvokeApi();
        app.MapWorkflowsApi();
        app.MapGrpcService<DaprGrpcService>();
        app.MapGrpcService<WorkflowGrpcService>();
        app.MapGrpcService<ReflectionV1ServiceImpl>();

        // Last: its fallback catches every route no building block claimed (the dapr-app-id header form).
        app.MapInvokeApi();
        return (app, listeners);
    }

    private static void AddGrpcApi(IServiceCollection services, int maxBodySize)
    {
        services.AddGrpc(o =>
        {
            o.Interceptors.Add<ApiTokenInterceptor>();
            o.MaxReceiveMessageSize = maxBodySize;
            o.MaxSendMessageSize = maxBodySize;
        });
        services.AddSingleton<ApiTokenInterceptor>();
        services.AddSingleton<DaprGrpcService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<DaprGrpcService>, DaprGrpcMethods>());
        services.AddSingleton<WorkflowGrpcService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<WorkflowGrpcService>, WorkflowGrpcMethods>());
        // daprd hosts server reflection; the .NET SDK asks it which rpcs exist before a bulk publish.
        services.AddSingleton(new ReflectionV1ServiceImpl(Dapr.Client.Autogen.Grpc.v1.Dapr.Descriptor));
    }

    private sealed record Listeners(ListenOptions Http, ListenOptions Grpc, ListenOptions Internal);

    /// <summary>Each port serves one API: the internal API must not be reachable through the public ports, nor the
    /// public API through the internal one (different trust boundaries; mTLS will sit on the internal hop), and the gRPC
    /// port serves only gRPC. A gRPC call to a service the sidecar does not host gets the answer daprd's proxy gives
    /// when the call names no app.</summary>
    private static Task SeparatePorts(HttpContext http, RequestDelegate next, Listeners listeners)
    {
        var port = http.Connection.LocalPort;
        var isGrpcEndpoint = http.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null;
        if (port == listeners.Grpc.IPEndPoint!.Port)
        {
            return isGrpcEndpoint ? next(http) : UnknownGrpcServiceAsync(http);
        }

        var onInternalPort = port == listeners.Internal.IPEndPoint!.Port;
        var internalPath = http.Request.Path.StartsWithSegments(InternalPrefix, StringComparison.Ordinal);
        if (isGrpcEndpoint || onInternalPort != internalPath)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(http);
    }

    /// <summary>A trailers-only gRPC answer: status Unknown with daprd's proxy message.</summary>
    private static Task UnknownGrpcServiceAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/grpc";
        http.Response.Headers["grpc-status"] = "2";
        http.Response.Headers["grpc-message"] = Uri.EscapeDataString("failed to proxy request: required metadata dapr-callee-app-id or dapr-app-id not found");
        return Task.CompletedTask;
    }
}
