namespace Conformance.Sdk.Actors;

/// <summary>The sidecar's HTTP endpoint, for actors that look at the sidecar from inside a turn.</summary>
public sealed record SidecarEndpoint(Uri Http);
