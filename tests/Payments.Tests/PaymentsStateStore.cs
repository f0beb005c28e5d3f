namespace Sidecart.Payments.Tests;

/// <summary>The <c>statestore</c> component a <see cref="PaymentsSystem"/> runs on.</summary>
public enum PaymentsStateStore
{
    /// <summary><c>state.in-memory</c>: fastest; a lost first-write race is an ETag mismatch (gRPC Aborted).</summary>
    InMemory,

    /// <summary><c>state.sqlite</c> in daprd's table layout, a file in the system's temp folder.</summary>
    Sqlite,
}
