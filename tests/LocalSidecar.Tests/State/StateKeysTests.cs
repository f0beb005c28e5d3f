using LocalSidecar.Components.State;

namespace LocalSidecar.Tests.State;

public sealed class StateKeysTests
{
    [Theory]
    [InlineData(null, null, "orders||k")]
    [InlineData("", null, "orders||k")]
    [InlineData("appid", null, "orders||k")]
    [InlineData("AppID", null, "orders||k")]
    [InlineData("name", null, "statestore||k")]
    [InlineData("NAME", null, "statestore||k")]
    [InlineData("namespace", "prod", "prod.orders||k")]
    [InlineData("namespace", null, "orders||k")]
    [InlineData("none", null, "k")]
    [InlineData("shop", null, "shop||k")]
    public void Keys_are_prefixed_as_keyPrefix_says(string? keyPrefix, string? daprNamespace, string expected) =>
        Assert.Equal(expected, StateKeys.For(keyPrefix, "statestore", "orders", daprNamespace).ToStoreKey("k"));

    [Fact]
    public void An_app_without_an_id_stores_keys_unprefixed_under_appid() =>
        Assert.Equal("k", StateKeys.For(null, "statestore", "", null).ToStoreKey("k"));

    [Fact]
    public void A_key_containing_the_separator_is_illegal_even_without_a_prefix()
    {
        var error = Assert.Throws<IllegalStateKeyException>(() => StateKeys.None.ToStoreKey("a||b"));
        Assert.Equal("a||b", error.Key);
        Assert.Equal("k|single", StateKeys.None.ToStoreKey("k|single"));
    }

    [Fact]
    public void A_custom_prefix_containing_the_separator_is_illegal()
    {
        var error = Assert.Throws<IllegalStateKeyException>(() => StateKeys.For("a||b", "statestore", "orders", null).ToStoreKey("k"));
        Assert.Equal("a||b", error.Key);
    }

    [Theory]
    [InlineData("orders||k", "k")]
    [InlineData("k", "k")]
    [InlineData("orders||Actor||id||k", "Actor")]
    public void The_app_key_is_the_text_after_the_prefix(string storeKey, string expected) =>
        Assert.Equal(expected, StateKeys.ToAppKey(storeKey));
}
