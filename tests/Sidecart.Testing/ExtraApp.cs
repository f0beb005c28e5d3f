namespace Sidecart.Testing;

/// <summary>An app that <see cref="SidecartSystem"/>'s caller runs itself, listening on <paramref name="Port"/>. Its
/// sidecar resolves the relative paths of <c>components/local</c> (the secrets file) from
/// <paramref name="AppDirPath"/>, so that folder must sit two levels below the repository root, as <c>apps/&lt;id&gt;</c> does.</summary>
public sealed record ExtraApp(string AppId, int Port, string AppDirPath);
