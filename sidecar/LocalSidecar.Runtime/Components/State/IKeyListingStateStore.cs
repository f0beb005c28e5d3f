namespace LocalSidecar.Components.State;

/// <summary>A state store that can list its keys by prefix (daprd's <c>KeysLike</c>), which the workflow engine needs
/// to find the instances it must resume after a restart and to list instance ids.</summary>
public interface IKeyListingStateStore : IStateStore
{
    /// <summary>The live keys that start with <paramref name="prefix"/>, in ordinal order.</summary>
    Task<IReadOnlyList<string>> KeysWithPrefixAsync(string prefix, CancellationToken cancellationToken);
}
