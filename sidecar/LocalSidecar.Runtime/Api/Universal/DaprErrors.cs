using Grpc.Core;

namespace LocalSidecar.Api.Universal;

/// <summary>The catalog of API failures the sidecar reports, each with daprd's HTTP status, gRPC code, legacy code,
/// message and details (dapr/dapr <c>pkg/api/errors</c>, <c>pkg/messages/predefined.go</c>,
/// <c>pkg/messages/errorcodes</c>). Handlers of both transports throw these; neither invents codes of its own.</summary>
public static class DaprErrors
{
    private const string StateType = "state";
    private const string PubSubType = "pubsub";

    // ---- state (pkg/api/errors/state.go; the save/delete/get/transaction failures are "Basic" errors over gRPC and
    // plain errors over HTTP) ----

    /// <param name="appId">daprd's HTTP handlers name the app in the ErrorInfo metadata; its gRPC handlers do not.</param>
    public static DaprApiError StateStoreNotFound(string store, string? appId) =>
        new(400, StatusCode.InvalidArgument, "ERR_STATE_STORE_NOT_FOUND", $"state store {store} is not found")
        {
            Reason = "DAPR_STATE_NOT_FOUND",
            ReasonMetadata = AppIdMetadata(appId),
        };

    public static DaprApiError StateStoreNotConfigured(string store, string? appId) =>
        new(500, StatusCode.FailedPrecondition, "ERR_STATE_STORE_NOT_CONFIGURED", $"state store {store} is not configured")
        {
            Reason = "DAPR_STATE_NOT_CONFIGURED",
            ReasonMetadata = AppIdMetadata(appId),
        };

    public static DaprApiError IllegalStateKey(string store, string key, string message) =>
        new(400, StatusCode.InvalidArgument, "ERR_MALFORMED_REQUEST", message)
        {
            Reason = "DAPR_STATE_ILLEGAL_KEY",
            Resource = new ResourceDetail(StateType, store, ""),
            BadField = key,
        };

    public static DaprApiError StateKeyEmpty() => Basic(400, StatusCode.InvalidArgument, "ERR_STATE_SAVE", "state key cannot be empty");

    public static DaprApiError StateGet(string key, string store, string detail) =>
        Basic(500, StatusCode.Internal, "ERR_STATE_GET", $"fail to get {key} from state store {store}: {detail}");

    public static DaprApiError StateSave(string store, StateFailure failure, string detail) =>
        Basic(failure.HttpStatus, failure.GrpcCode, "ERR_STATE_SAVE", $"failed saving state in state store {store}: {detail}");

    public static DaprApiError StateDelete(string key, StateFailure failure, string detail) =>
        Basic(failure.HttpStatus, failure.GrpcCode, "ERR_STATE_DELETE", $"failed deleting state with key {key}: {detail}");

    public static DaprApiError StateBulkDelete(string store, StateFailure failure, string detail) =>
        Basic(failure.HttpStatus, failure.GrpcCode, "ERR_STATE_BULK_DELETE", $"failed deleting state in state store {store}: {detail}");

    public static DaprApiError StateTransaction(string detail) =>
        Basic(500, StatusCode.Internal, "ERR_STATE_TRANSACTION", $"error while executing state transaction: {detail}");

    public static DaprApiError StateOperationNotSupported(string operation) =>
        Basic(400, StatusCode.Unimplemented, "ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {operation} not supported");

    public static DaprApiError StateTransactionsNotSupported(string store) =>
        new(500, StatusCode.Unimplemented, "ERR_STATE_STORE_NOT_SUPPORTED", $"state store {store} doesn't support transactions")
        {
            Reason = "DAPR_STATE_TRANSACTIONS_NOT_SUPPORTED",
            Resource = new ResourceDetail(StateType, store, ""),
            Help = new HelpDetail("https://docs.dapr.io/reference/components-reference/supported-state-stores/", "Check the list of state stores and the features they support"),
        };

    // ---- pub/sub (pkg/api/errors/pubsub.go) ----

    public static DaprApiError PubSubNotConfigured(string pubsub) =>
        new(400, StatusCode.FailedPrecondition, "ERR_PUBSUB_NOT_CONFIGURED", $"pubsub {pubsub} is not configured") { Reason = "DAPR_PUBSUB_NOT_CONFIGURED" };

    public static DaprApiError PubSubNameEmpty(IReadOnlyDictionary<string, string> metadata) =>
        PubSub("", 404, StatusCode.InvalidArgument, "ERR_PUBSUB_EMPTY", "DAPR_PUBSUB_NAME_EMPTY", "pubsub name is empty", metadata);

    public static DaprApiError PubSubNotFound(string pubsub) =>
        new(404, StatusCode.InvalidArgument, "ERR_PUBSUB_NOT_FOUND", $"pubsub {pubsub} is not found") { Reason = "DAPR_PUBSUB_NOT_FOUND" };

    public static DaprApiError PubSubTopicEmpty(string pubsub, IReadOnlyDictionary<string, string> metadata) =>
        PubSub(pubsub, 404, StatusCode.InvalidArgument, "ERR_TOPIC_NAME_EMPTY", "DAPR_PUBSUB_TOPIC_NAME_EMPTY", $"topic is empty in pubsub {pubsub}", metadata);

    public static DaprApiError PubSubMetadataDeserialization(string pubsub, string detail, IReadOnlyDictionary<string, string> metadata) =>
        PubSub(pubsub, 400, StatusCode.InvalidArgument, "ERR_PUBSUB_REQUEST_METADATA", "DAPR_PUBSUB_METADATA_DESERIALIZATION",
            $"failed deserializing metadata. Error: {detail}", metadata);

    public static DaprApiError PubSubCloudEventCreation(string pubsub, string appId, string detail) =>
        PubSub(pubsub, 500, StatusCode.InvalidArgument, "ERR_PUBSUB_CLOUD_EVENTS_SER", "DAPR_PUBSUB_CLOUD_EVENT_CREATION", "cannot create cloudevent",
            new Dictionary<string, string> { ["appID"] = appId, ["error"] = detail });

    public static DaprApiError PubSubMarshalEvents(string pubsub, string topic, string appId, string detail) =>
        PubSub(pubsub, 400, StatusCode.InvalidArgument, "ERR_PUBSUB_EVENTS_SER", "DAPR_PUBSUB_MARSHAL_EVENTS",
            $"error marshaling events to bytes for topic {topic} pubsub {pubsub}. error: {detail}",
            new Dictionary<string, string> { ["appID"] = appId, ["error"] = detail });

    public static DaprApiError PubSubPublishMessage(string pubsub, string topic, string detail) =>
        PubSub(pubsub, 500, StatusCode.Internal, "ERR_PUBSUB_PUBLISH_MESSAGE", "DAPR_PUBSUB_PUBLISH_MESSAGE",
            $"error when publishing to topic {topic} in pubsub {pubsub}: {detail}",
            new Dictionary<string, string> { ["topic"] = topic, ["error"] = detail });

    public static DaprApiError PubSubForbidden(string pubsub, string topic, string appId)
    {
        var message = $"topic {topic} is not allowed for app id {appId}";
        return PubSub(pubsub, 403, StatusCode.PermissionDenied, "ERR_PUBSUB_FORBIDDEN", "DAPR_PUBSUB_FORBIDDEN", message,
            new Dictionary<string, string> { ["topic"] = topic, ["error"] = message });
    }

    // ---- secrets (messages.APIError: no details) ----

    public static DaprApiError SecretStoreNotConfigured() =>
        new(500, StatusCode.FailedPrecondition, "ERR_SECRET_STORES_NOT_CONFIGURED", "secret store is not configured");

    public static DaprApiError SecretStoreNotFound(string store) =>
        new(401, StatusCode.InvalidArgument, "ERR_SECRET_STORE_NOT_FOUND", $"failed finding secret store with key {store}");

    public static DaprApiError SecretPermissionDenied(string key, string store) =>
        new(403, StatusCode.PermissionDenied, "ERR_PERMISSION_DENIED", $"access denied by policy to get \"{key}\" from \"{store}\"");

    public static DaprApiError SecretGet(string key, string store, string detail) =>
        new(500, StatusCode.Internal, "ERR_SECRET_GET", $"failed getting secret with key {key} from secret store {store}: {detail}");

    public static DaprApiError BulkSecretGet(string store, string detail) =>
        new(500, StatusCode.Internal, "ERR_SECRET_GET", $"failed getting secrets from secret store {store}: {detail}");

    // ---- common ----

    /// <summary>An HTTP body that is not what the API expects.</summary>
    public static DaprApiError MalformedRequestBody(string message) =>
        new(400, StatusCode.InvalidArgument, "ERR_MALFORMED_REQUEST", message);

    public static DaprApiError DirectInvoke(string target, string detail) =>
        new(500, StatusCode.Internal, "ERR_DIRECT_INVOKE", $"failed to invoke, id: {target}, err: {detail}");

    /// <summary>The callee's access control refused: 403 over HTTP, <c>Internal</c> over gRPC (facts §2.5).</summary>
    public static DaprApiError DirectInvokeDenied(string target, string denial) =>
        new(403, StatusCode.Internal, "ERR_DIRECT_INVOKE", $"failed to invoke, id: {target}, err: rpc error: code = PermissionDenied desc = {denial}");

    private static DaprApiError Basic(int httpStatus, StatusCode grpcCode, string code, string message) =>
        new(httpStatus, grpcCode, code, message) { Reason = code, DetailsOverHttp = false };

    private static DaprApiError PubSub(string pubsub, int httpStatus, StatusCode grpcCode, string code, string reason, string message, IReadOnlyDictionary<string, string> metadata) =>
        new(httpStatus, grpcCode, code, message)
        {
            Reason = reason,
            ReasonMetadata = metadata,
            Resource = new ResourceDetail(PubSubType, pubsub, message),
        };

    private static Dictionary<string, string>? AppIdMetadata(string? appId) =>
        string.IsNullOrEmpty(appId) ? null : new Dictionary<string, string> { ["appID"] = appId };
}

/// <summary>How a store failure of a save or delete is reported: an ETag mismatch, an unparsable ETag, or anything else.</summary>
public sealed record StateFailure(int HttpStatus, StatusCode GrpcCode)
{
    public static StateFailure Internal { get; } = new(500, StatusCode.Internal);

    public static StateFailure Of(Exception e) => e switch
    {
        Components.State.ETagMismatchException => new(409, StatusCode.Aborted),
        Components.State.InvalidETagException => new(400, StatusCode.InvalidArgument),
        _ => Internal,
    };
}
