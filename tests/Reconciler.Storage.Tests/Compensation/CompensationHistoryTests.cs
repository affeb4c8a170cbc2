using Npgsql;
using Reconciler.Storage.Tests.Support;

namespace Reconciler.Storage.Tests.Compensation;

/// <summary>
/// The history trigger records every state change of a statement that changes many requests at once (a run after a late
/// delivery log withdraws one per resolved break) with one join of its transition tables, not a pair-by-pair loop.
/// </summary>
public sealed class CompensationHistoryTests : DatabaseTest
{
    private const int Requests = 2_000;

    [Fact]
    public async Task History_JoinsTheTransitionTablesOnce_WhenOneStatementWithdrawsManyRequests()
    {
        var runId = await CreateRunAsync();
        await Database.ExecuteAsync(
            """
            INSERT INTO finding (finding_id, kind, business_date, order_no, compensation_action, compensation_amount, detail,
                                 status, first_run_id, last_run_id)
            SELECT 'f' || i, 'charged_not_delivered', DATE '2026-11-18', 'KM2026111800' || lpad(i::text, 5, '0'), 'refund', 6.00,
                   'charged, not delivered', 'open', @runId, @runId
            FROM generate_series(1, @n) i;
            INSERT INTO compensation_request (request_id, order_no, kind, action, amount, currency, created_run_id)
            SELECT finding_id, order_no, kind, 'refund', 6.00, 'CNY', @runId FROM finding;
            """, new { runId, n = Requests });

        // auto_explain sends the plan of every statement, the trigger's own included, to this session as a notice.
        var plans = new List<string>();
        await using (var connection = await Database.DataSource.OpenConnectionAsync())
        {
            connection.Notice += (_, e) => plans.Add(e.Notice.MessageText);
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new("LOAD 'auto_explain'"),
                    new("SET auto_explain.log_min_duration = 0"),
                    new("SET auto_explain.log_nested_statements = on"),
                    new("SET auto_explain.log_analyze = on"),
                    new("SET auto_explain.log_timing = off"),
                    new("SET auto_explain.log_level = notice"),
                    new("SET client_min_messages = notice"),
                    // First a statement that changes nothing (as a run's request upsert does when every request is
                    // as it was): the trigger still fires, and PL/pgSQL plans its join once per session, here.
                    new("UPDATE compensation_request SET state = 'pending' WHERE false"),
                    new("UPDATE compensation_request SET state = 'withdrawn', outcome = 'the break resolved' WHERE state = 'pending'"),
                },
            };
            await batch.ExecuteNonQueryAsync();
        }

        var history = plans.Where(p => p.Contains("INSERT INTO compensation_history", StringComparison.Ordinal)).ToList();
        history.Should().HaveCount(2, "the trigger runs once per statement");
        history[1].Should().Contain($"actual rows={Requests} ", "the plan read is the withdrawing statement's");
        history[1].Should().NotContain("Nested Loop", "its transition tables carry no statistics: a nested loop compares every pair");
        history[1].Should().Contain("Named Tuplestore Scan", "the plan read is the trigger's join of its transition tables");
        (await Database.ScalarAsync<long>("SELECT count(*) FROM compensation_history WHERE previous_state = 'pending' AND state = 'withdrawn'"))
            .Should().Be(Requests);
    }
}
