namespace Sidecart.Events;

/// <summary>Why an instance does not match its schema: the JSON path of the offending value and what is wrong with it.</summary>
public sealed record SchemaViolation(string Path, string Problem)
{
    public override string ToString() => $"{Path}: {Problem}";
}
