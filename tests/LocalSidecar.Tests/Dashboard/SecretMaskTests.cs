using LocalSidecar.Runner.Dashboard;

namespace LocalSidecar.Tests.Dashboard;

public sealed class SecretMaskTests
{
    [Theory]
    [InlineData("DAPR_API_TOKEN")]
    [InlineData("APP_API_TOKEN")]
    [InlineData("Payments__Provider__ApiKey")]
    [InlineData("REDIS_PASSWORD")]
    [InlineData("ConnectionStrings__Orders")]
    [InlineData("CLIENT_SECRET")]
    [InlineData("SIGNING_KEY")]
    [InlineData("Dashboard__Frontend__BrowserToken")]
    public void Values_of_secret_names_are_masked(string name) =>
        Assert.Equal(SecretMask.Masked, SecretMask.Value(name, "value-that-must-not-show"));

    [Theory]
    [InlineData("APP_PORT", "5101")]
    [InlineData("OTEL_SERVICE_NAME", "ordering")]
    [InlineData("Payments__Provider__BaseUrl", "http://127.0.0.1:5190")]
    [InlineData("KEYBOARD_LAYOUT", "fr")]
    public void Other_values_are_shown_as_they_are(string name, string value) =>
        Assert.Equal(value, SecretMask.Value(name, value));

    [Fact]
    public void Credentials_inside_a_url_are_masked_and_the_rest_is_kept() =>
        Assert.Equal($"redis://{SecretMask.Masked}@cache:6379/0", SecretMask.Value("CACHE_URL", "redis://default:s3cret@cache:6379/0"));
}
