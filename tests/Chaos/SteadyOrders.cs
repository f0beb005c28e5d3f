using System.Net.Http.Json;
using System.Text.Json;

namespace Chaos;

/// <summary>Places orders at a steady rate, each until ordering accepts it: while ordering (or its sidecar) is down,
/// the same order is sent again with the same <c>Idempotency-Key</c>, as a client would, so it is accepted once. Each
/// accepted order is read back at once, as a client following the 202's <c>Location</c> would: a 404 there is counted.</summary>
public sealed class SteadyOrders(HttpClient ordering, IReadOnlyList<string> skus, TimeSpan interval) : IAsyncDisposable
{
    /// <summary>The customer the provider always declines: some orders take the cancel-and-refund path.</summary>
    private const string DeclinedCustomer = "declined-customer";

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _placing = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PlacedOrder> _accepted = new(StringComparer.Ordinal);
    private readonly List<string> _notFoundAfterAccept = [];
    private Task? _loop;

    public IReadOnlyCollection<PlacedOrder> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted.Values];
            }
        }
    }

    /// <summary>The accepted orders that <c>GET /orders/{id}</c> answered 404 for right after the 202.</summary>
    public IReadOnlyList<string> NotFoundAfterAccept
    {
        get
        {
            lock (_gate)
            {
                return [.. _notFoundAfterAccept];
            }
        }
    }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Stops placing new orders and waits until every order begun is accepted.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        await Task.WhenAll(_placing);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var random = new Random(13);
        using var timer = new PeriodicTimer(interval);
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var customer = i % 10 == 3 ? DeclinedCustomer : $"chaos-{i}";
            var line = new OrderLine(skus[random.Next(skus.Count)], random.Next(1, 4));
            _placing.Add(PlaceAsync(customer, line, Guid.NewGuid().ToString("N")));
            try
            {
                await timer.WaitForNextTickAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task PlaceAsync(string customerId, OrderLine line, string idempotencyKey)
    {
        // Bounds a hang only: ordering is never down for long, and a restart of everything takes well under this.
        var deadline = DateTime.UtcNow.AddMinutes(3);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
                {
                    Content = JsonContent.Create(new { customerId, items = new[] { new { sku = line.Sku, quantity = line.Quantity } } }),
                };
                request.Headers.Add("Idempotency-Key", idempotencyKey);
                using var response = await ordering.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    var orderId = JsonDocument.Parse(body).RootElement.GetProperty("orderId").GetString()!;
                    lock (_gate)
                    {
                        _accepted[orderId] = new PlacedOrder(orderId, customerId, line);
                    }

                    await ReadBackAsync(orderId);
                    return;
                }

                last = $"{(int)response.StatusCode} {body}";
                if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
                {
                    throw new InvalidOperationException($"ordering refused an order for good: {last}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"an order was never accepted; last answer: {last}");
    }

    private async Task ReadBackAsync(string orderId)
    {
        try
        {
            using var response = await ordering.GetAsync($"/orders/{orderId}");
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                lock (_gate)
                {
                    _notFoundAfterAccept.Add(orderId);
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Ordering was killed just after it answered: no answer is not a wrong answer.
        }
    }
}

public sealed record OrderLine(string Sku, int Quantity);

public sealed record PlacedOrder(string OrderId, string CustomerId, OrderLine Line);
