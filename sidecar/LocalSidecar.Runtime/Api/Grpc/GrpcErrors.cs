using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using LocalSidecar.Api.Universal;
using Microsoft.AspNetCore.WebUtilities;

namespace LocalSidecar.Api.Grpc;

/// <summary>Renders API failures as daprd sends them over gRPC: status and message, and for errors with details the
/// <c>grpc-status-details-bin</c> trailer (a <c>google.rpc.Status</c> whose details are packed with the standard
/// lowercase type URLs, ErrorInfo last).</summary>
public static class GrpcErrors
{
    public const string StatusDetailsTrailer = "grpc-status-details-bin";

    public static RpcException ToRpcException(DaprApiError error)
    {
        if (error.Reason is null)
        {
            return new RpcException(new global::Grpc.Core.Status(error.GrpcCode, error.Message));
        }

        var errorInfo = new ErrorInfo { Reason = error.Reason, Domain = DaprApiError.Domain };
        foreach (var (key, value) in error.ReasonMetadata ?? new Dictionary<string, string>())
        {
            errorInfo.Metadata[key] = value;
        }

        var details = new List<IMessage>();
        if (error.BadField is not null)
        {
            details.Add(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = error.BadField, Description = error.Message } } });
        }

        if (error.Help is { } help)
        {
            details.Add(new Help { Links = { new Help.Types.Link { Url = help.Url, Description = help.Description } } });
        }

        if (error.Resource is { } resource)
        {
            details.Add(new ResourceInfo { ResourceType = resource.Type, ResourceName = resource.Name, Owner = "", Description = resource.Description });
        }

        details.Add(errorInfo);
        return WithDetails(error.GrpcCode, error.Message, details);
    }

    /// <summary>An HTTP status as daprd turns it into a gRPC error (token refusals, and invocations of HTTP apps): the
    /// code of the standard HTTP-to-gRPC mapping, the status text as message, and an ErrorInfo with the HTTP code and
    /// the detail cut to 63 characters (dapr/dapr pkg/messaging/v1/util.go).</summary>
    public static RpcException FromHttpStatus(int httpStatus, string detail)
    {
        var text = ReasonPhrases.GetReasonPhrase(httpStatus);
        var errorInfo = new ErrorInfo
        {
            Reason = text,
            Domain = DaprApiError.Domain,
            Metadata = { ["http.code"] = httpStatus.ToString(CultureInfo.InvariantCulture), ["http.error_message"] = detail.Length >= 63 ? detail[..63] : detail },
        };
        return WithDetails(CodeFromHttpStatus(httpStatus), text, [errorInfo]);
    }

    public static StatusCode CodeFromHttpStatus(int httpStatus) => httpStatus switch
    {
        >= 200 and < 300 => StatusCode.OK,
        408 => StatusCode.Cancelled,
        500 => StatusCode.Unknown,
        400 => StatusCode.Internal,
        504 => StatusCode.DeadlineExceeded,
        404 => StatusCode.NotFound,
        409 => StatusCode.AlreadyExists,
        403 => StatusCode.PermissionDenied,
        401 => StatusCode.Unauthenticated,
        429 => StatusCode.ResourceExhausted,
        501 => StatusCode.Unimplemented,
        503 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    public static RpcException WithDetails(StatusCode code, string message, IEnumerable<IMessage> details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.AddRange(details.Select(Any.Pack));
        var trailers = new Metadata { { StatusDetailsTrailer, status.ToByteArray() } };
        return new RpcException(new global::Grpc.Core.Status(code, message), trailers);
    }
}
