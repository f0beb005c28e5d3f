using LocalSidecar.Components;
using LocalSidecar.Security;

namespace LocalSidecar.Runner;

/// <summary>The runner as Sentry for its run: when an app's Configuration turns <c>spec.mtls</c> on (as <c>dapr run</c>
/// then passes <c>--enable-mtls</c>), the run gets one certificate authority (a new root and issuer per run, or Sentry's
/// issuer credentials from <c>--issuer-credentials</c>) and each such sidecar a workload certificate from it, handed
/// over in-process: no key is written anywhere.</summary>
public static class RunSentry
{
    /// <summary>The run's authority; null when no app turns mTLS on.</summary>
    public static WorkloadCertificateAuthority? Create(RunFile file, RunnerOptions options)
    {
        var configurations = file.Apps.Select(a => ConfigurationLoader.Load(a.ConfigFilePath)).ToList();
        if (!configurations.Any(c => c.Mtls.Enabled))
        {
            return null;
        }

        var trustDomain = configurations.First(c => c.Mtls.Enabled).Mtls.ControlPlaneTrustDomain;
        if (options.IssuerCredentials is not { } directory)
        {
            return WorkloadCertificateAuthority.CreateNew(trustDomain);
        }

        // Like Sentry on first start: an empty (or new) folder gets a generated root and issuer, kept for later runs.
        if (!Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            using var generated = WorkloadCertificateAuthority.CreateNew(trustDomain);
            generated.WriteCredentials(directory);
        }

        return WorkloadCertificateAuthority.Load(directory);
    }

    /// <summary>What one app's sidecar gets: null when its Configuration leaves mTLS off.</summary>
    public static MtlsOptions? For(RunAppSpec app, RunnerOptions options, Func<string, string?> environment)
    {
        var mtls = ConfigurationLoader.Load(app.ConfigFilePath).Mtls;
        if (!mtls.Enabled || options.Sentry is not { } sentry)
        {
            return null;
        }

        return new MtlsOptions(sentry)
        {
            Namespace = MtlsOptions.NamespaceFrom(environment),
            WorkloadCertTtl = mtls.WorkloadCertTtl,
            AllowedClockSkew = mtls.AllowedClockSkew,
        };
    }

    public static string Describe(WorkloadCertificateAuthority sentry, RunnerOptions options) =>
        $"mTLS: workload certificates from {(options.IssuerCredentials is { } dir ? $"the issuer credentials in {dir}" : "a certificate authority created for this run")} (trust anchor {sentry.TrustAnchors[0].Subject}, SHA-256 {sentry.TrustAnchors[0].GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)})";
}
