using System.Text.Json;
using Dapr;
using Dapr.Actors;
using Dapr.Actors.Client;
using Dapr.Client;
using Microsoft.Extensions.Options;
using Sidecart.Inventory.Actors;
using Sidecart.Inventory.Model;

namespace Sidecart.Inventory.Infrastructure;

/// <summary>Gives every SKU of the seed file its opening stock once the sidecar is up, through the Sku actor with the
/// receipt id <c>initial-&lt;sku&gt;</c>: a restart replays the same receipts, which the actors recognise and skip.</summary>
public sealed class StockSeeder(
    DaprClient dapr, IActorProxyFactory proxies, IOptions<InventoryOptions> options, IHostEnvironment environment, ILogger<StockSeeder> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    public TaskCompletionSource Seeded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var file = Path.Combine(environment.ContentRootPath, options.Value.SeedFile);
        try
        {
            var lines = await ReadAsync(file, stoppingToken);
            await dapr.WaitForSidecarAsync(stoppingToken);
            var applied = 0;
            foreach (var line in lines)
            {
                var result = await AddStockAsync(line, stoppingToken);
                applied += result.Applied ? 1 : 0;
            }

            logger.LogInformation("Opening stock from {SeedFile}: {Applied} of {Total} SKUs seeded, the others already were", file, applied, lines.Count);
            Seeded.TrySetResult();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Seeded.TrySetCanceled(stoppingToken);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Seeding the opening stock from {SeedFile} failed", file);
            Seeded.TrySetException(e);
        }
    }

    // The sidecar may answer before it has learnt from /dapr/config that this app hosts Sku actors: retry until it has.
    private async Task<StockReceiptResult> AddStockAsync(OpeningStock line, CancellationToken stoppingToken)
    {
        var sku = proxies.CreateActorProxy<ISkuActor>(new ActorId(line.Sku), SkuActor.TypeName);
        while (true)
        {
            try
            {
                return await sku.AddStock(new StockReceipt(line.ReceiptId, line.Quantity));
            }
            // Not when the actor itself failed (ActorMethodInvocationException): that is no start-up race.
            catch (Exception e) when (e is HttpRequestException or (DaprApiException and not ActorMethodInvocationException))
            {
                logger.LogDebug(e, "Actor {Sku} not reachable yet; retrying", line.Sku);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    private static async Task<IReadOnlyList<OpeningStock>> ReadAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        var lines = await JsonSerializer.DeserializeAsync(stream, InventoryJsonContext.Default.ListOpeningStock, cancellationToken) ?? [];
        var invalid = lines.Where(l => string.IsNullOrEmpty(l.Sku) || l.Quantity < 1).Select(l => l.Sku).ToList();
        if (invalid.Count > 0)
        {
            throw new InvalidDataException($"{file}: every line needs a SKU and a quantity of at least 1; not so for: {string.Join(", ", invalid)}");
        }

        return lines;
    }
}
