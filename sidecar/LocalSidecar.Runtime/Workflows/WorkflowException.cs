namespace LocalSidecar.Workflows;

/// <summary>What kind of failure a workflow operation met; each API front end renders it in daprd's terms.</summary>
public enum WorkflowErrorKind
{
    /// <summary>daprd's plain engine errors (gRPC Unknown, HTTP 500 with the operation's code).</summary>
    Failed,
    NotFound,
    AlreadyExists,
    NoActorStateStore,
}

public sealed class WorkflowException(WorkflowErrorKind kind, string message) : Exception(message)
{
    public WorkflowErrorKind Kind { get; } = kind;

    public static WorkflowException NoSuchInstance() => new(WorkflowErrorKind.NotFound, "no such instance exists");

    public static WorkflowException NoActorStateStore() => new(WorkflowErrorKind.NoActorStateStore,
        "the state store is not configured to use the actor runtime. Have you set the - name: actorStateStore value: \"true\" in your state store component file?");
}
