using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Reconciler.Core.Evidence;

namespace Reconciler.Storage.Importing;

/// <summary>
/// Imports one file's rows in one transaction with binary COPY. Nothing is visible until <see cref="CommitAsync"/>;
/// <see cref="RejectAsync"/> (or disposing without committing) discards every row and records why.
/// </summary>
public sealed class EvidenceImport : IAsyncDisposable
{
    /// <summary>More unreadable lines than this in one file means the file is not what it was read as.</summary>
    public const int MaxQuarantinedLines = 100_000;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly FileIdentity _identity;
    private readonly long? _runId;
    private readonly bool _ordersStraightIn;
    private readonly List<(long Line, string Raw, string Reason)> _quarantined = [];
    private BinaryCopyWriter? _copy;
    private long _rows;

    // The span of the settlement lines' times, kept with the file (migration 0015).
    private DateTimeOffset? _firstOccurredAt;
    private DateTimeOffset? _lastOccurredAt;

    // The settlement lines' keys (provider, entry type, reference) as 64-bit hashes, and whether one came twice: copies
    // of a provider line within the file (migration 0025). A collision can only say true, which costs the evidence merge
    // a grouping of keys, never a copy missed. Appended as they come and sorted once at the file's end (CopiesWithin):
    // a hash set probed per line was the CLI's hottest frame while importing (1.5 % of the machine's samples in a 1 M
    // run, each add a cache miss in 20-40 MB of entries); a sort of the 8 MB takes tens of milliseconds. In chunks
    // (KeyHashes), so that a big file's keys cost 8 bytes a line and never a list's doubling.
    private KeyHashes? _lineKeys;

    // The provider and entry type pairs of the settlement lines that name an order, and the prefixes of the order
    // numbers they name (migration 0032): the evidence merge's shared lines find the pairs that can hold copies from the
    // files one of whose prefixes meets the date's range instead of a pass over the date's lines. A file has a handful
    // of pairs and, its lines coming about in order, a prefix mostly the same as the line before's: the last one found
    // of each is tried first. Past MaxLinePrefixes the file keeps the one prefix all its numbers begin with.
    private readonly List<(string Provider, SettlementEntryType EntryType)> _linePairs = [];
    private int _lastPair = -1;
    private HashSet<string>? _linePrefixes = new(StringComparer.Ordinal);
    private string? _lastPrefix;

    // Past MaxLinePrefixes: the longest prefix every order number named so far begins with.
    private string? _commonPrefix;
    private bool _finished;

    private EvidenceImport(NpgsqlConnection connection, NpgsqlTransaction transaction, FileIdentity identity, long fileId, long? runId, bool ordersStraightIn)
    {
        _ordersStraightIn = ordersStraightIn;
        _connection = connection;
        _transaction = transaction;
        _identity = identity;
        FileId = fileId;
        _runId = runId;
    }

    public long FileId { get; }

    public long RowsImported => _rows;

    public long RowsQuarantined => _quarantined.Count;

    /// <summary><see cref="Stopwatch"/> ticks the commit spent merging staged orders into platform_order.</summary>
    public long MergeTicks { get; private set; }

    /// <summary>
    /// Starts importing a file, or returns the earlier file with the same bytes (the import is then a no-op).
    /// With <paramref name="ordersStraightIn"/> an orders file is copied straight into platform_order instead of being
    /// staged and merged: much faster, but the commit then fails with a unique violation (SQLSTATE 23505) when the file
    /// holds an order already stored or one order twice, and the caller imports it again without the flag.
    /// </summary>
    public static async Task<(EvidenceImport? Import, FileImportOutcome? Duplicate)> BeginAsync(
        NpgsqlDataSource dataSource, FileIdentity identity, long? runId, CancellationToken cancellationToken, bool ordersStraightIn = false)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(identity);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // A concurrent import of the same bytes waits here on the unique key and then sees the conflict.
            var fileId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                INSERT INTO imported_file (sha256, entry_name, source_name, format, kind, status, run_id)
                VALUES (@Sha256, @EntryName, @SourceName, @Format, @Kind, 'importing', @runId)
                ON CONFLICT (sha256, entry_name) DO NOTHING
                RETURNING file_id
                """,
                new { identity.Sha256, identity.EntryName, identity.SourceName, identity.Format, Kind = KindName(identity.Kind), runId },
                transaction, cancellationToken: cancellationToken));
            if (fileId is null)
            {
                await transaction.RollbackAsync(cancellationToken);
                var earlier = await connection.QuerySingleAsync<(long FileId, string SourceName, string Status, long? RunId)>(new CommandDefinition(
                    "SELECT file_id, source_name, status, run_id FROM imported_file WHERE sha256 = @Sha256 AND entry_name = @EntryName",
                    new { identity.Sha256, identity.EntryName }, cancellationToken: cancellationToken));
                await connection.DisposeAsync();
                var detail = string.Create(CultureInfo.InvariantCulture,
                    $"same bytes as {earlier.SourceName} (file {earlier.FileId}, {earlier.Status}{(earlier.RunId is { } r ? $" by run {r}" : string.Empty)}); skipped");
                return (null, new FileImportOutcome(FileImportOutcome.Duplicate, earlier.FileId, 0, 0, detail));
            }

            return (new EvidenceImport(connection, transaction, identity, fileId.Value, runId, ordersStraightIn), null);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void AddOrder(long line, OrderRecord order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var copy = Copy(EvidenceKind.Orders);
        copy.StartRow();
        copy.Write(order.OrderNo);
        copy.Write(order.CreatedAt);
        copy.WriteOrNull(order.PaidAt);
        copy.Write(order.CustomerId);
        copy.Write(order.MerchantId);
        copy.Write(order.ProductType);
        copy.Write(order.Sku);
        copy.Write(order.TargetAccount);
        copy.Write(order.Quantity);
        copy.Write(order.UnitPrice);
        copy.Write(order.Amount);
        copy.Write(order.Currency);
        copy.Write(order.PayChannel);
        copy.Write(order.Status);
        copy.Write(FileId);
        copy.Write(line);
        _rows++;
    }

    public void AddSettlement(long line, SettlementRecord settlement)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        var copy = Copy(EvidenceKind.Settlement);
        copy.StartRow();
        copy.Write(FileId);
        copy.Write(line);
        copy.Write(settlement.Provider);
        copy.Write(EntryTypeNames.ToName(settlement.EntryType));
        copy.Write(settlement.ProviderTxnId);
        copy.Write(settlement.EntryRef);
        var orderNo = string.IsNullOrEmpty(settlement.OrderNo) ? null : settlement.OrderNo;
        copy.WriteOrNull(orderNo);
        copy.Write(settlement.Gross);
        copy.WriteOrNull(settlement.Fee);
        copy.WriteOrNull(settlement.Net);
        copy.Write(settlement.Currency);
        var occurredAt = settlement.OccurredAt.ToUniversalTime();
        copy.Write(occurredAt);
        copy.Write(settlement.ProviderStatus);
        (_lineKeys ??= new KeyHashes()).Add(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(settlement.EntryRef.AsSpan()), HashCode.Combine(settlement.Provider, settlement.EntryType)));

        _firstOccurredAt = _firstOccurredAt is { } first && first <= occurredAt ? first : occurredAt;
        _lastOccurredAt = _lastOccurredAt is { } last && last >= occurredAt ? last : occurredAt;
        if (orderNo is not null)
        {
            KeepPairAndPrefix(settlement.Provider, settlement.EntryType, orderNo);
        }

        _rows++;
    }

    private void KeepPairAndPrefix(string provider, SettlementEntryType entryType, string orderNo)
    {
        if (_lastPair < 0 || _linePairs[_lastPair].EntryType != entryType || !string.Equals(_linePairs[_lastPair].Provider, provider, StringComparison.Ordinal))
        {
            _lastPair = _linePairs.FindIndex(p => p.EntryType == entryType && string.Equals(p.Provider, provider, StringComparison.Ordinal));
            if (_lastPair < 0)
            {
                _linePairs.Add((provider, entryType));
                _lastPair = _linePairs.Count - 1;
            }
        }

        if (_linePrefixes is null)
        {
            var common = _commonPrefix!;
            _commonPrefix = common[..CommonPrefixLength(common, orderNo)];
            return;
        }

        var length = OrderPrefixLength(orderNo);
        if (_lastPrefix is { } last && last.Length == length && orderNo.AsSpan(0, length).SequenceEqual(last))
        {
            return;
        }

        _lastPrefix = orderNo[..length];
        if (_linePrefixes.Add(_lastPrefix) && _linePrefixes.Count > MaxLinePrefixes)
        {
            // Every number begins with one of the prefixes, so with what they all begin with.
            _commonPrefix = _lastPrefix;
            foreach (var prefix in _linePrefixes)
            {
                _commonPrefix = _commonPrefix[..CommonPrefixLength(_commonPrefix, prefix)];
            }

            _linePrefixes = null;
        }
    }

    /// <summary>How many prefixes a file keeps before it keeps the one prefix all its order numbers begin with.</summary>
    internal const int MaxLinePrefixes = 4096;

    /// <summary>
    /// The length of the prefix an order number is kept by (migration 0032): all but its last four characters (its first
    /// character at least), never ending inside a surrogate pair.
    /// </summary>
    private static int OrderPrefixLength(string orderNo)
    {
        var length = Math.Max(1, orderNo.Length - 4);
        return length < orderNo.Length && char.IsHighSurrogate(orderNo[length - 1]) ? length + 1 : length;
    }

    /// <summary>How long a prefix <paramref name="a"/> and <paramref name="b"/> share, never ending inside a surrogate pair.</summary>
    private static int CommonPrefixLength(string a, string b)
    {
        var common = a.AsSpan().CommonPrefixLength(b);
        return common > 0 && char.IsHighSurrogate(a[common - 1]) ? common - 1 : common;
    }

    /// <summary>The prefixes kept for the file's order numbers, sorted; past the limit, the one they all begin with.</summary>
    private string[] LinePrefixes() =>
        _linePrefixes is not null ? [.. _linePrefixes.Order(StringComparer.Ordinal)] : [_commonPrefix!];

    public void AddDelivery(long line, DeliveryRecord delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var copy = Copy(EvidenceKind.Delivery);
        copy.StartRow();
        copy.Write(FileId);
        copy.Write(line);
        copy.Write(delivery.Vendor);
        copy.Write(delivery.VendorOrderId);
        copy.Write(delivery.OrderNo);
        copy.Write(delivery.TargetAccount);
        copy.Write(delivery.Sku);
        copy.Write(delivery.Quantity);
        copy.WriteOrNull(delivery.FaceValue);
        copy.WriteOrNull(delivery.Cost);
        copy.Write(DeliveryStatusName(delivery.Status));
        copy.WriteOrNull(delivery.FinishedAt);
        copy.WriteOrNull(delivery.Voucher);
        _rows++;
    }

    /// <summary>Keeps an unreadable line (written at commit: one COPY at a time per connection).</summary>
    public void Quarantine(long line, string rawText, string reason)
    {
        if (_quarantined.Count >= MaxQuarantinedLines)
        {
            throw new QuarantineOverflowException(string.Create(CultureInfo.InvariantCulture,
                $"{_identity.SourceName}: more than {MaxQuarantinedLines} unreadable lines as {_identity.Format}; is it really that format? The whole file was rejected."));
        }

        // PostgreSQL text cannot hold NUL; keep the line readable rather than lose it.
        _quarantined.Add((line, rawText.Replace('\0', '\uFFFD'), reason.Replace('\0', '\uFFFD')));
    }

    /// <summary>Whether two of the settlement lines' keys are equal (two adjacent ones, once sorted).</summary>
    private bool CopiesWithin() => _lineKeys?.AnyTwice() ?? false;

    /// <summary>
    /// Makes the file's rows visible. <paramref name="contentSha256"/> identifies a source whose identity is known only
    /// once read (rows from the platform's database): the same content imported before makes this import a no-op.
    /// </summary>
    public async Task<FileImportOutcome> CommitAsync(FileFacts facts, CancellationToken cancellationToken, string? contentSha256 = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        // While PostgreSQL still takes in the rows already sent.
        var copiesWithin = CopiesWithin();
        _lineKeys = null;
        if (_copy is not null)
        {
            await _copy.CompleteAsync(cancellationToken);
            await _copy.DisposeAsync();
            _copy = null;
        }

        CrashPoints.Reach("import-copied");
        if (contentSha256 is not null)
        {
            var earlier = await _connection.QuerySingleOrDefaultAsync<(long FileId, string SourceName)?>(new CommandDefinition(
                "SELECT file_id, source_name FROM imported_file WHERE sha256 = @contentSha256 AND entry_name = @EntryName",
                new { contentSha256, _identity.EntryName }, _transaction, cancellationToken: cancellationToken));
            if (earlier is { } same)
            {
                await DiscardAsync(cancellationToken);
                return new FileImportOutcome(FileImportOutcome.Duplicate, same.FileId, 0, 0,
                    string.Create(CultureInfo.InvariantCulture, $"same rows as {same.SourceName} (file {same.FileId}); skipped"));
            }
        }

        if (_identity.Kind == EvidenceKind.Orders && _rows > 0 && !_ordersStraightIn)
        {
            var started = Stopwatch.GetTimestamp();
            await MergeOrdersAsync(cancellationToken);
            MergeTicks = Stopwatch.GetTimestamp() - started;
        }

        if (_quarantined.Count > 0)
        {
            await using var quarantine = await _connection.BeginBinaryImportAsync(
                "COPY quarantine (file_id, line_no, raw_text, reason) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var (line, raw, reason) in _quarantined)
            {
                await quarantine.StartRowAsync(cancellationToken);
                await quarantine.WriteAsync(FileId, NpgsqlDbType.Bigint, cancellationToken);
                await quarantine.WriteAsync(line, NpgsqlDbType.Bigint, cancellationToken);
                await quarantine.WriteAsync(raw, NpgsqlDbType.Text, cancellationToken);
                await quarantine.WriteAsync(reason, NpgsqlDbType.Text, cancellationToken);
            }

            await quarantine.CompleteAsync(cancellationToken);
        }

        await _connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE imported_file
            SET status = 'imported', sha256 = coalesce(@contentSha256, sha256), provider = @Provider, rows_imported = @rows, rows_quarantined = @quarantined,
                control_summary = @ControlSummary, period_start = @PeriodStart, period_end = @PeriodEnd,
                first_occurred_at = @first, last_occurred_at = @last,
                copies_within = @copiesWithin,
                line_pairs = @linePairs, line_order_prefixes = @linePrefixes
            WHERE file_id = @FileId
            """,
            new
            {
                contentSha256, facts.Provider, rows = _rows, quarantined = (long)_quarantined.Count, facts.ControlSummary, facts.PeriodStart, facts.PeriodEnd,
                first = _firstOccurredAt, last = _lastOccurredAt, FileId,
                copiesWithin = _identity.Kind == EvidenceKind.Settlement ? copiesWithin : (bool?)null,
                linePairs = _identity.Kind == EvidenceKind.Settlement
                    ? _linePairs.Select(p => p.Provider + "\u001f" + EntryTypeNames.ToName(p.EntryType)).ToArray()
                    : null,
                linePrefixes = _identity.Kind == EvidenceKind.Settlement ? LinePrefixes() : null,
            },
            _transaction, cancellationToken: cancellationToken));
        CrashPoints.Reach("import-before-commit");
        await _transaction.CommitAsync(cancellationToken);
        _finished = true;
        return new FileImportOutcome(FileImportOutcome.Imported, FileId, _rows, _quarantined.Count, null);
    }

    /// <summary>Discards every row of the file and records it as rejected (or as a "no bill" answer) with the reason.</summary>
    public async Task<FileImportOutcome> RejectAsync(string status, FileFacts facts, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (status is not (FileImportOutcome.Rejected or FileImportOutcome.NoBill))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A file is rejected or has no bill.");
        }

        await DiscardAsync(cancellationToken);
        var fileId = await _connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO imported_file (sha256, entry_name, source_name, format, kind, provider, status, control_summary, detail, period_start, period_end, run_id)
            VALUES (@Sha256, @EntryName, @SourceName, @Format, @Kind, @Provider, @status, @ControlSummary, @reason, @PeriodStart, @PeriodEnd, @runId)
            ON CONFLICT (sha256, entry_name) DO UPDATE SET status = EXCLUDED.status, detail = EXCLUDED.detail
            RETURNING file_id
            """,
            new
            {
                _identity.Sha256, _identity.EntryName, _identity.SourceName, _identity.Format, Kind = KindName(_identity.Kind),
                facts.Provider, status, facts.ControlSummary, reason, facts.PeriodStart, facts.PeriodEnd, runId = _runId,
            },
            cancellationToken: cancellationToken));
        _finished = true;
        return new FileImportOutcome(status, fileId, 0, 0, reason);
    }

    private async Task DiscardAsync(CancellationToken cancellationToken)
    {
        if (_copy is not null)
        {
            // Disposing an uncompleted binary import cancels the COPY.
            await _copy.DisposeAsync();
            _copy = null;
        }

        await _transaction.RollbackAsync(cancellationToken);
        _finished = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_copy is not null)
        {
            await _copy.DisposeAsync();
        }

        // A broken connection has already lost the transaction; rolling back would only hide the error that broke it.
        if (!_finished && _connection.FullState == System.Data.ConnectionState.Open)
        {
            await _transaction.RollbackAsync();
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    internal static string KindName(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Orders => "orders",
        EvidenceKind.Settlement => "settlement",
        EvidenceKind.Delivery => "delivery",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string DeliveryStatusName(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Success => "success",
        DeliveryStatus.Failed => "failed",
        DeliveryStatus.Processing => "processing",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private BinaryCopyWriter Copy(EvidenceKind kind)
    {
        if (kind != _identity.Kind)
        {
            throw new InvalidOperationException($"{_identity.SourceName} is a {KindName(_identity.Kind)} file but produced a {KindName(kind)} row.");
        }

        if (_copy is not null)
        {
            return _copy;
        }

        if (kind == EvidenceKind.Orders && !_ordersStraightIn)
        {
            // Orders are staged and merged at commit: a later export of the same order replaces the earlier one.
            _connection.Execute(
                "CREATE TEMP TABLE order_stage (LIKE platform_order) ON COMMIT DROP", transaction: _transaction);
        }

        _copy = kind switch
        {
            EvidenceKind.Orders => BinaryCopyWriter.Begin(_connection, _ordersStraightIn ? "platform_order" : "order_stage",
                "order_no, created_at, paid_at, customer_id, merchant_id, product_type, sku, target_account, quantity, unit_price, amount, currency, pay_channel, status, file_id, line_no"),
            EvidenceKind.Settlement => BinaryCopyWriter.Begin(_connection, "settlement_line",
                "file_id, line_no, provider, entry_type, provider_txn_id, entry_ref, order_no, gross, fee, net, currency, occurred_at, provider_status"),
            _ => BinaryCopyWriter.Begin(_connection, "delivery_event",
                "file_id, line_no, vendor, vendor_order_id, order_no, target_account, sku, quantity, face_value, cost, status, finished_at, voucher"),
        };
        return _copy;
    }

    private async Task MergeOrdersAsync(CancellationToken cancellationToken)
    {
        await _connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO platform_order
            SELECT DISTINCT ON (order_no) * FROM order_stage ORDER BY order_no, line_no DESC
            ON CONFLICT (order_no) DO UPDATE SET
                created_at = EXCLUDED.created_at, paid_at = EXCLUDED.paid_at, customer_id = EXCLUDED.customer_id,
                merchant_id = EXCLUDED.merchant_id, product_type = EXCLUDED.product_type, sku = EXCLUDED.sku,
                target_account = EXCLUDED.target_account, quantity = EXCLUDED.quantity, unit_price = EXCLUDED.unit_price,
                amount = EXCLUDED.amount, currency = EXCLUDED.currency, pay_channel = EXCLUDED.pay_channel,
                status = EXCLUDED.status, file_id = EXCLUDED.file_id, line_no = EXCLUDED.line_no
            """, transaction: _transaction, commandTimeout: 0, cancellationToken: cancellationToken));
    }
}
