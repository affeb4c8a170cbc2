using System.Runtime.CompilerServices;
using Dapper;
using Npgsql;

namespace Reconciler.Storage.Reporting;

/// <summary>Findings by date, kind, status, provider, vendor or order number: a page for the web, or all of them for an export.</summary>
public sealed class FindingSearchStore(NpgsqlDataSource dataSource)
{
    private const string Select =
        """
        SELECT finding_id AS FindingId, kind AS Kind, business_date::timestamp AS BusinessDate, order_no AS OrderNo,
               provider AS Provider, provider_txn_id AS ProviderTxnId, vendor AS Vendor, expected_amount AS ExpectedAmount,
               charged_amount AS ChargedAmount, delivered_quantity AS DeliveredQuantity, ordered_quantity AS OrderedQuantity,
               currency AS Currency, compensation_action AS CompensationAction, compensation_amount AS CompensationAmount,
               detail AS Detail, status AS Status
        FROM finding
        WHERE (@Date::date IS NULL OR business_date = @Date)
          AND (@Kind::text IS NULL OR kind = @Kind)
          AND (@Status::text IS NULL OR status = @Status)
          AND (@Provider::text IS NULL OR @Provider = ANY(string_to_array(provider, ',')))
          AND (@Vendor::text IS NULL OR @Vendor = ANY(string_to_array(vendor, ',')))
          AND (@OrderNo::text IS NULL OR order_no = @OrderNo)
        ORDER BY business_date DESC, finding_id
        """;

    /// <summary>Up to <paramref name="limit"/> findings after skipping <paramref name="offset"/>, and whether more follow.</summary>
    public async Task<(IReadOnlyList<FindingListRow> Rows, bool More)> PageAsync(
        FindingSearch search, int offset, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<FindingListRow>(new CommandDefinition(
            Select + " OFFSET @offset LIMIT @take",
            new { search.Date, search.Kind, search.Status, search.Provider, search.Vendor, search.OrderNo, offset, take = limit + 1 },
            cancellationToken: cancellationToken))).ToList();
        return (rows.Take(limit).ToList(), rows.Count > limit);
    }

    /// <summary>Every finding the filters match, streamed (never all in memory).</summary>
    public async IAsyncEnumerable<FindingListRow> StreamAsync(FindingSearch search, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<FindingListRow>(
            Select, new { search.Date, search.Kind, search.Status, search.Provider, search.Vendor, search.OrderNo });
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }
}
