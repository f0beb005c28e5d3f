using Grpc.Core;

namespace LocalSidecar.Api.Universal;

/// <summary>One failure of the Dapr API as daprd reports it, carrying both renderings: the HTTP status with the
/// legacy <c>ERR_…</c> code, and the gRPC status code. <see cref="Reason"/> is the <c>google.rpc.ErrorInfo</c> reason;
/// null means a plain error without details (daprd's <c>messages.APIError</c> family).</summary>
public sealed record DaprApiError(int HttpStatus, StatusCode GrpcCode, string ErrorCode, string Message)
{
    public const string Domain = "dapr.io";

    public string? Reason { get; init; }

    public IReadOnlyDictionary<string, string>? ReasonMetadata { get; init; }

    public ResourceDetail? Resource { get; init; }

    /// <summary>The field named by a <c>google.rpc.BadRequest</c> violation (described by <see cref="Message"/>).</summary>
    public string? BadField { get; init; }

    public HelpDetail? Help { get; init; }

    /// <summary>daprd's "Basic" state errors carry an ErrorInfo over gRPC but are plain over HTTP.</summary>
    public bool DetailsOverHttp { get; init; } = true;

    public DaprApiException ToException() => new(this);
}

public sealed record ResourceDetail(string Type, string Name, string Description);

public sealed record HelpDetail(string Url, string Description);

/// <summary>Thrown by the API core; each front end renders <see cref="Error"/> in its own way.</summary>
public sealed class DaprApiException(DaprApiError error) : Exception(error.Message)
{
    public DaprApiError Error { get; } = error;
}
