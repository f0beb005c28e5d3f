using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.Data.Sqlite;

namespace Sidecart.Payments.Tests;

/// <summary>Payment records behave the same on every state store: decisions rest on the record read back, never on
/// how a write failed. Runs on <c>state.sqlite</c>, with <see cref="StateScript"/> playing what other stores answer.</summary>
public sealed class PortableStateTests
{
    [Theory]
    [InlineData(StatusCode.Aborted)]   // SQLite, MongoDB, in-memory: an ETag mismatch (HTTP 409)
    [InlineData(StatusCode.Internal)]  // Redis, PostgreSQL: a plain store error (HTTP 500 ERR_STATE_SAVE)
    public async Task Two_concurrent_authorizations_of_one_order_charge_once_however_the_store_reports_the_lost_race(StatusCode firstWriteConflict)
    {
        var script = new StateScript { FirstWriteConflict = firstWriteConflict, ReadsToHoldTogether = 2 };
        await using var system = await PaymentsSystem.StartAsync(stateStore: PaymentsStateStore.Sqlite, services: script.Install);

        var answers = await Task.WhenAll(system.AuthorizeAsync("order-1"), system.AuthorizeAsync("order-1"));
        var bodies = new List<string>();
        foreach (var answer in answers)
        {
            using (answer)
            {
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                bodies.Add(await answer.Content.ReadAsStringAsync());
            }
        }

        // Both saw no record and both tried to create one; one lost, read the winner's back and went on with it.
        Assert.Equal((2, 1), (script.CreatesAttempted, script.CreatesRefused));
        Assert.Single(bodies.Distinct());
        var stats = await system.ProviderStatsAsync();
        Assert.Equal(1, stats["charges"]!.GetValue<int>());
        Assert.Single(stats["idempotencyKeys"]!.AsArray().Select(k => k!.GetValue<string>()).Distinct());
    }

    [Fact]
    public async Task A_create_that_fails_and_leaves_no_record_is_an_error_and_charges_nothing()
    {
        var script = new StateScript { CreatesFail = true };
        await using var system = await PaymentsSystem.StartAsync(stateStore: PaymentsStateStore.Sqlite, services: script.Install);

        using var response = await system.AuthorizeAsync("order-1");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1, script.CreatesAttempted);
        Assert.Equal(0, (await system.ProviderStatsAsync())["requests"]!.GetValue<int>());
        using var record = await system.PaymentsSidecar.GetAsync("/v1.0/state/statestore/payment-order-1");
        Assert.Equal(HttpStatusCode.NoContent, record.StatusCode);
    }

    [Fact]
    public async Task An_outcome_whose_save_answer_was_lost_is_settled_by_reading_the_record_back()
    {
        var script = new StateScript { LoseReplaceAnswers = true };
        await using var system = await PaymentsSystem.StartAsync(stateStore: PaymentsStateStore.Sqlite, services: script.Install);

        using var response = await system.AuthorizeAsync("order-1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Authorized", answer["status"]!.GetValue<string>());
        Assert.Equal(1, script.AnswersLost);

        var record = (await system.PaymentsSidecar.GetFromJsonAsync<JsonObject>("/v1.0/state/statestore/payment-order-1"))!;
        Assert.Equal(answer["authorizationId"]!.GetValue<string>(), record["authorizationId"]!.GetValue<string>());
        var stats = await system.ProviderStatsAsync();
        Assert.Equal((1, 1), (stats["requests"]!.GetValue<int>(), stats["charges"]!.GetValue<int>()));
    }

    [Fact]
    public async Task The_record_is_stored_as_a_json_document_in_the_shape_other_readers_know()
    {
        await using var system = await PaymentsSystem.StartAsync(stateStore: PaymentsStateStore.Sqlite);
        using (var response = await system.AuthorizeAsync("order-1", 119.90m))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var connection = new SqliteConnection($"Data Source={system.StateDatabase};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT value, is_binary FROM state WHERE key = 'payments||payment-order-1'";
        await using var row = await query.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync(), "no row for the payment");
        // JSON text, as the HTTP API and daprd's state.sqlite keep a JSON value; not base64 of opaque bytes.
        Assert.False(row.GetBoolean(1));
        var record = JsonNode.Parse(row.GetString(0))!.AsObject();
        Assert.Equal(
            ["orderId", "customerId", "amount", "currency", "status", "idempotencyKey", "authorizationId", "declineReason", "refundId", "createdAt", "updatedAt", "refundIdempotencyKey"],
            record.Select(p => p.Key));
        Assert.Equal(("Authorized", 119.90m), (record["status"]!.GetValue<string>(), record["amount"]!.GetValue<decimal>()));
    }
}
