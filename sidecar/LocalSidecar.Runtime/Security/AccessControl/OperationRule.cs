namespace LocalSidecar.Security.AccessControl;

/// <summary>One operation of a caller's policy: the action per HTTP verb as written (<c>*</c> for any), and the action
/// that applies to gRPC callees, which ignore verbs.</summary>
public sealed record OperationRule(string Name, IReadOnlyDictionary<string, string> VerbActions, string Action);
