namespace LocalSidecar.Components.Configuration;

/// <summary><c>spec.mtls</c> of a Configuration: whether sidecar-to-sidecar mTLS is on (read by whoever starts the
/// sidecar, as <c>dapr run</c> reads it to pass <c>--enable-mtls</c>) and the Sentry settings for its certificates.</summary>
public sealed record MtlsSpec(bool Enabled, TimeSpan WorkloadCertTtl, TimeSpan AllowedClockSkew, string ControlPlaneTrustDomain)
{
    public static MtlsSpec Default { get; } = new(false, TimeSpan.FromHours(24), TimeSpan.FromMinutes(15), "localhost");

    internal static MtlsSpec Parse(YamlNodes? spec)
    {
        if (spec?.Mapping("mtls") is not { } section)
        {
            return Default;
        }

        TimeSpan Duration(string key, TimeSpan fallback) => section.String(key) is not { Length: > 0 } text ? fallback
            : GoDuration.TryParse(text, out var value) && (value > TimeSpan.Zero || (value == TimeSpan.Zero && key == "allowedClockSkew")) ? value
            : throw section.Error(key, $"'{text}' is not a positive Go duration such as 24h or 90s");

        return new MtlsSpec(
            section.Bool("enabled", false),
            Duration("workloadCertTTL", Default.WorkloadCertTtl),
            Duration("allowedClockSkew", Default.AllowedClockSkew),
            section.String("controlPlaneTrustDomain") ?? Default.ControlPlaneTrustDomain);
    }
}
