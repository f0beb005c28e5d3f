namespace Conformance.Harness;

/// <summary>A temporary resources folder for tests that need extra YAML (subscriptions) next to <c>resources/</c>.</summary>
public sealed class TempResources : IDisposable
{
    public TempResources() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sidecart-resources", Guid.NewGuid().ToString("N"));

    public void Write(string name, string content) => File.WriteAllText(System.IO.Path.Combine(Path, name), content);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
