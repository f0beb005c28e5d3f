namespace Sidecart.PaymentProvider;

/// <summary>The stand-in provider's settings (configuration section <c>Provider</c>).</summary>
public sealed class ProviderOptions
{
    public const string Section = "Provider";

    /// <summary>The API key merchants must send as <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public string ApiKey { get; set; } = "";
}
