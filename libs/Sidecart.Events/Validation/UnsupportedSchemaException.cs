namespace Sidecart.Events;

/// <summary>The schema uses a keyword or format <see cref="JsonSchemaValidator"/> cannot check; refused when the schema is
/// loaded, so a contract is never silently checked only in part.</summary>
public sealed class UnsupportedSchemaException(string message) : Exception(message);
