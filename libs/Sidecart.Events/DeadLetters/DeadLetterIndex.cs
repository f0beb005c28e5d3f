namespace Sidecart.Events;

/// <summary>The state keys of all dead-letter records, oldest first.</summary>
internal sealed record DeadLetterIndex(List<string> Keys);
