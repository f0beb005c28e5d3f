namespace LocalSidecar.Components;

/// <summary>A resource file (component, subscription, resiliency, configuration) that cannot be used.
/// The message always names the file, and the field when one is at fault, so startup errors are actionable.</summary>
public sealed class ResourceException : Exception
{
    public ResourceException(string file, string? field, string problem)
        : base(Format(file, field, problem))
    {
        File = file;
        Field = field;
    }

    public ResourceException(string message) : base(message) { }

    public ResourceException(string message, Exception inner) : base(message, inner) { }

    public ResourceException() { }

    public string? File { get; }

    public string? Field { get; }

    private static string Format(string file, string? field, string problem) =>
        field is null ? $"{file}: {problem}" : $"{file}: field '{field}': {problem}";
}
