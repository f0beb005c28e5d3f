using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Sidecart.Testing;

namespace Dashboard.Tests;

/// <summary>The system started as <c>make run</c> starts it, with the Aspire dashboard, on free ports, looked at in
/// chromium: every app and sidecar in the resource list, and an order placed here in the trace view.</summary>
public sealed partial class DashboardBrowserTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private static readonly float DeadlineMs = (float)Deadline.TotalMilliseconds;

    [Fact]
    public async Task The_dashboard_lists_every_app_and_sidecar_and_shows_the_traces_of_a_placed_order()
    {
        var chromium = Chromium.Require();
        await using var system = await SidecartSystem.StartAsync(new SidecartSystemOptions { Dashboard = true, TempFolder = "sidecart-dashboard" }, TestContext.Current.CancellationToken);
        var dashboard = system.Dashboard!;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
        // Tall enough for the trace list to render every row: the grids render only the rows in view.
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 12000 } });
        page.SetDefaultTimeout(DeadlineMs);
        try
        {
            // The order is placed once the dashboard is up: the runner does not wait for it (it starts at the lowest
            // priority), and telemetry exported before it listens is lost, as with any OTLP endpoint that is not there.
            // An order placed earlier could lose its root span, and its trace would be listed under another name.
            await WaitForDashboardAsync(page, dashboard.LoginUrl);

            using var ordering = new HttpClient { BaseAddress = system.AppEndpoint("ordering"), Timeout = TimeSpan.FromSeconds(30) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
            {
                Content = JsonContent.Create(new { customerId = "c-dashboard", items = new[] { new { sku = "HEADLAMP-400", quantity = 1 } } }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var accepted = await ordering.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var orderId = (await accepted.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("orderId").GetString()!;
            await Eventually.UntilAsync(
                async () => (await ordering.GetFromJsonAsync<JsonElement>($"/orders/{orderId}", TestContext.Current.CancellationToken)).GetProperty("status").GetString(),
                status => status is "Confirmed" or "Shipped", $"order {orderId} to be confirmed", Deadline, TimeSpan.FromMilliseconds(250));

            // The resource list: each app under its app id, each sidecar as <app id>-daprd, all running.
            foreach (var appId in SidecartSystem.AppIds)
            {
                await Assertions.Expect(page.GetByText(appId, new PageGetByTextOptions { Exact = true })).ToBeVisibleAsync(new() { Timeout = DeadlineMs });
                await Assertions.Expect(page.GetByText($"{appId}-daprd", new PageGetByTextOptions { Exact = true })).ToBeVisibleAsync(new() { Timeout = DeadlineMs });
            }

            // The trace view: the order is one trace, from ordering's POST /orders through its sidecar to catalog,
            // inventory and payments and their sidecars (spans may still be arriving: the page is read again).
            await page.GotoAsync(new Uri(dashboard.UiUrl, "/traces").ToString());
            var order = page.GetByText(OrderTrace()).First;
            await Assertions.Expect(order).ToBeVisibleAsync(new() { Timeout = DeadlineMs });
            await order.ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(TraceDetailUrl(), new() { Timeout = DeadlineMs });
            await Assertions.Expect(page.GetByText(SpanName()).First).ToBeVisibleAsync(new() { Timeout = DeadlineMs });
            string[] onThePath = ["ordering", "catalog", "inventory", "payments"];
            await Eventually.UntilAsync(
                async () =>
                {
                    await page.ReloadAsync();
                    // The span rows render a moment after the trace's header: read the page once ordering's own are in.
                    await Assertions.Expect(page.GetByText(AppResource()).First).ToBeVisibleAsync(new() { Timeout = DeadlineMs });
                    return await page.Locator("body").InnerTextAsync();
                },
                // Each span row names its resource on a line of its own: a sidecar's spans carry the app id (as daprd's
                // do), the app's own spans the app id and its instance.
                text => onThePath.All(app => Regex.IsMatch(text, $"^{app}$", RegexOptions.Multiline)
                    && Regex.IsMatch(text, $"^{app}-[0-9a-f]{{8}}$", RegexOptions.Multiline)),
                "the order's trace to show spans of ordering, catalog, inventory and payments and of their sidecars", Deadline, TimeSpan.FromSeconds(1));
        }
        catch
        {
            var screenshot = Path.Combine(Path.GetTempPath(), $"sidecart-dashboard-{Guid.NewGuid():N}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            await File.WriteAllTextAsync(Path.ChangeExtension(screenshot, ".txt"), await page.Locator("body").InnerTextAsync(), TestContext.Current.CancellationToken);
            TestContext.Current.SendDiagnosticMessage($"the page when the test failed: {screenshot}; the run's log: {system.LogPath}");
            throw;
        }
    }

    /// <summary>Opens the login link the runner prints; the dashboard may still be starting.</summary>
    private static async Task WaitForDashboardAsync(IPage page, Uri loginUrl)
    {
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    await page.GotoAsync(loginUrl.ToString());
                    return true;
                }
                catch (PlaywrightException)
                {
                    return false;
                }
            },
            loaded => loaded, $"the dashboard at {loginUrl}", Deadline, TimeSpan.FromMilliseconds(500));
    }

    [GeneratedRegex(@"^ordering: POST /orders")]
    private static partial Regex OrderTrace();

    [GeneratedRegex(@"/traces/detail/[0-9a-f]+")]
    private static partial Regex TraceDetailUrl();

    [GeneratedRegex(@"POST /orders")]
    private static partial Regex SpanName();

    /// <summary>The resource of a span row of the ordering app's own (its app id and instance).</summary>
    [GeneratedRegex(@"^ordering-[0-9a-f]{8}$")]
    private static partial Regex AppResource();
}
