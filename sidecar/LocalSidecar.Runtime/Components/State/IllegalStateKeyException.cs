namespace LocalSidecar.Components.State;

/// <summary>A key (or key prefix) containing <c>||</c>: 400 <c>ERR_MALFORMED_REQUEST</c>, reason <c>DAPR_STATE_ILLEGAL_KEY</c>.</summary>
public sealed class IllegalStateKeyException(string key) : Exception($"input key/keyPrefix '{key}' can't contain '{StateKeys.Separator}'")
{
    public string Key { get; } = key;
}
