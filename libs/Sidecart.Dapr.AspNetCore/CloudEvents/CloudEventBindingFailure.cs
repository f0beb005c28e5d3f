namespace Sidecart.Dapr.AspNetCore;

/// <summary>Left in <c>HttpContext.Items</c> when a CloudEvent parameter could not be bound, so the topic filter can DROP it.</summary>
internal sealed record CloudEventBindingFailure(string Reason)
{
    public static readonly object ItemKey = new();
}
