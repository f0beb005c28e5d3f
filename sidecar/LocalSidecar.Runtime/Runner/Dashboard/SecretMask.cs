using System.Text.RegularExpressions;

namespace LocalSidecar.Runner.Dashboard;

/// <summary>Hides secret values before the dashboard shows them: the value of any variable whose name says it holds a
/// token, key, password, secret or credential, and the user information of a URL.</summary>
public static partial class SecretMask
{
    public const string Masked = "********";

    public static string? Value(string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        if (SecretName().IsMatch(name))
        {
            return Masked;
        }

        return UrlUserInfo().Replace(value, m => m.Groups["scheme"].Value + Masked + "@");
    }

    [GeneratedRegex("TOKEN|SECRET|PASSWORD|PASSWD|PWD|API_?KEY|APIKEY|PRIVATE|CREDENTIAL|CONNECTION_?STRING|AUTH|SIGNATURE|CERT|(^|_)KEY($|_)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(?<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlUserInfo();
}
