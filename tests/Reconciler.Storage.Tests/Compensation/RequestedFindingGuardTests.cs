using Npgsql;
using Reconciler.Core.Matching;
using Reconciler.Storage.Reconciliation;
using Reconciler.Storage.Tests.Support;

namespace Reconciler.Storage.Tests.Compensation;

/// <summary>
/// A compensation request's finding is always there (migration 0029 replaced the foreign key with guards on
/// <c>finding</c>): the finding merge writes each request from a finding it wrote, and a finding that a request names
/// cannot be deleted, truncated or given another id.
/// </summary>
public sealed class RequestedFindingGuardTests : DatabaseTest
{
    private const string Undelivered = "KM202611180000001";
    private const string WrongAccount = "KM202611180000002";

    private async Task<(string Requested, string NotRequested)> GivenARunAsync()
    {
        var runId = await CreateRunAsync();
        var requested = Findings.ChargedNotDelivered(Undelivered, 30m);
        var notRequested = Findings.WrongAccount(WrongAccount);
        await using (var writer = await new ReconciliationStore(Database.DataSource).BeginFindingsAsync(runId, WindowFor(Day), Ct))
        {
            writer.Add(requested, Day);
            writer.Add(notRequested, Day);
            await writer.CommitAsync(Ct);
        }

        return (requested.FindingId, notRequested.FindingId);
    }

    [Fact]
    public async Task EveryRequest_NamesAFindingOfTheRunThatWroteIt()
    {
        var (requested, _) = await GivenARunAsync();

        (await Database.QueryAsync<string>("SELECT request_id FROM compensation_request")).Should().Equal(requested);
        (await Database.ScalarAsync<long>(
            "SELECT count(*) FROM compensation_request c WHERE NOT EXISTS (SELECT 1 FROM finding f WHERE f.finding_id = c.request_id)"))
            .Should().Be(0);
    }

    [Fact]
    public async Task Delete_IsRefused_ForAFindingARequestNames_AndAllowedForOneNoneNames()
    {
        var (requested, notRequested) = await GivenARunAsync();

        var refused = async () => await Database.ExecuteAsync("DELETE FROM finding WHERE finding_id = @id", new { id = requested });
        (await refused.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.ForeignKeyViolation);
        var refusedWithOthers = async () => await Database.ExecuteAsync("DELETE FROM finding");
        (await refusedWithOthers.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.ForeignKeyViolation);

        (await Database.ExecuteAsync("DELETE FROM finding WHERE finding_id = @id", new { id = notRequested })).Should().Be(1);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM finding WHERE finding_id = @id", new { id = requested })).Should().Be(1);
    }

    [Fact]
    public async Task Truncate_IsRefused_WhileAnyRequestIsStored()
    {
        await GivenARunAsync();

        var refused = async () => await Database.ExecuteAsync("TRUNCATE finding");
        (await refused.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.ForeignKeyViolation);
        (await Database.ScalarAsync<long>("SELECT count(*) FROM finding")).Should().Be(2);
    }

    [Fact]
    public async Task Truncate_IsAllowed_WhenTheRequestsAreTruncatedWithTheFindings()
    {
        await GivenARunAsync();

        await Database.ExecuteAsync("TRUNCATE finding, compensation_request, compensation_history");

        (await Database.ScalarAsync<long>("SELECT count(*) FROM finding")).Should().Be(0);
    }

    [Fact]
    public async Task ChangingTheId_IsRefused_ForAFindingARequestNames_AndAllowedForOneNoneNames()
    {
        var (requested, notRequested) = await GivenARunAsync();

        var refused = async () => await Database.ExecuteAsync(
            "UPDATE finding SET finding_id = finding_id || '-renamed' WHERE finding_id = @id", new { id = requested });
        (await refused.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.ForeignKeyViolation);
        // Setting the id to itself is no change.
        (await Database.ExecuteAsync("UPDATE finding SET finding_id = finding_id WHERE finding_id = @id", new { id = requested })).Should().Be(1);

        (await Database.ExecuteAsync(
            "UPDATE finding SET finding_id = finding_id || '-renamed' WHERE finding_id = @id", new { id = notRequested })).Should().Be(1);
    }

    [Fact]
    public async Task ARerun_StillUpdatesItsFindings_WithTheGuardsInPlace()
    {
        await GivenARunAsync();
        var rerun = await CreateRunAsync();
        await using var writer = await new ReconciliationStore(Database.DataSource).BeginFindingsAsync(rerun, WindowFor(Day), Ct);
        // The undelivered order is now owed more: its finding and its pending request are updated.
        writer.Add(Findings.ChargedNotDelivered(Undelivered, 45m), Day);
        var changes = await writer.CommitAsync(Ct);

        changes.RequestsUpdated.Should().Be(1);
        (await Database.ScalarAsync<decimal>("SELECT compensation_amount FROM finding WHERE order_no = @o", new { o = Undelivered })).Should().Be(45m);
        (await Database.ScalarAsync<decimal>("SELECT amount FROM compensation_request")).Should().Be(45m);
    }
}
