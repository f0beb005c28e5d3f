namespace Sidecart.Events;

/// <summary>A dead letter could not be recorded (the state store failed, or the index stayed contended); the delivery
/// is answered RETRY so the event comes back.</summary>
public sealed class DeadLetterStoreException(string message, Exception? innerException = null) : Exception(message, innerException);
