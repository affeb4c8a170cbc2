using System.Globalization;
using System.Text;
using CsCheck;
using Npgsql;
using NpgsqlTypes;
using Reconciler.Storage.Importing;
using Reconciler.Storage.Tests.Support;

namespace Reconciler.Storage.Tests.Importing;

/// <summary>
/// <see cref="BinaryCopyWriter"/> against Npgsql's own binary importer: the same rows written by each into a table of
/// their own, then compared on the server column by column, as stored (<c>IS DISTINCT FROM</c>) and as PostgreSQL
/// prints them (<c>::text</c>: a numeric's display scale, a timestamp's microseconds).
/// </summary>
public sealed class BinaryCopyWriterTests : DatabaseTest
{
    private const string Columns = "k int, t text, i integer, l bigint, n numeric, ts timestamptz, d date, f boolean";

    private const string ColumnNames = "k, t, i, l, n, ts, d, f";

    private sealed record Row(string? Text, int? Int, long? Long, decimal? Number, DateTimeOffset? Time, DateOnly? Date = null, bool? Flag = null);

    private static readonly decimal[] EdgeNumbers =
    [
        0m, -0m, 0.00m, -0.00m, 1m, -1m, 648.00m, -648.00m, 0.01m, 0.0001m, 0.00001m, 10000m, 100000000m, 12345.6789m,
        9999.9999m, 10000.0001m, 1e-28m, -1e-28m, 0.1000000000000000000000000000m, decimal.MaxValue, decimal.MinValue,
        79228162514264337593543950335m / 1e10m, 1.000000000000000000000000000m, 123456789012345678.9012345678m,
    ];

    private static readonly DateTimeOffset[] EdgeTimes =
    [
        DateTimeOffset.MinValue, DateTimeOffset.MaxValue, new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1), new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9999995),
        new DateTimeOffset(2026, 11, 18, 9, 30, 12, TimeSpan.FromHours(8)).AddTicks(7), new(1, 1, 2, 0, 0, 0, TimeSpan.Zero),
        new(9999, 12, 30, 23, 59, 59, TimeSpan.Zero),
    ];

    private static readonly string?[] EdgeTexts =
    [
        null, string.Empty, "KM202611180000013", "é", "微信支付", "\U0001F600 after an emoji", "\uFF21\uE000",
        new string('x', 70_000), string.Concat(Enumerable.Repeat("多", 30_000)),
    ];

    private static readonly Gen<Row> Rows = Gen.Select(
        Gen.Frequency((1, Gen.Const((string?)null)), (6, Gen.String[Gen.Char.Where(c => c != '\0' && !char.IsSurrogate(c)), 0, 40].Select(s => (string?)s)),
            (1, Gen.OneOf(EdgeTexts))),
        Gen.Frequency((1, Gen.Const((int?)null)), (6, Gen.Int.Select(i => (int?)i))),
        Gen.Frequency((1, Gen.Const((long?)null)), (6, Gen.Long.Select(l => (long?)l))),
        Gen.Frequency((1, Gen.Const((decimal?)null)), (6, Gen.Decimal.Select(d => (decimal?)d)),
            (3, Gen.Select(Gen.Long[-100_000_000_000, 100_000_000_000], Gen.Byte[0, 8]).Select((m, s) => (decimal?)new decimal(m) / (decimal)Math.Pow(10, s))),
            (1, Gen.OneOf(EdgeNumbers).Select(d => (decimal?)d))),
        Gen.Frequency((1, Gen.Const((DateTimeOffset?)null)), (6, Gen.DateTimeOffset.Select(t => (DateTimeOffset?)t)),
            (1, Gen.OneOf(EdgeTimes).Select(t => (DateTimeOffset?)t))),
        Gen.Frequency((1, Gen.Const((DateOnly?)null)), (6, Gen.Int[DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber].Select(d => (DateOnly?)DateOnly.FromDayNumber(d))),
            (1, Gen.OneOf(DateOnly.MinValue, DateOnly.MaxValue, new DateOnly(2000, 1, 1), new DateOnly(1999, 12, 31), new DateOnly(2026, 11, 18)).Select(d => (DateOnly?)d))),
        Gen.Frequency((1, Gen.Const((bool?)null)), (4, Gen.Bool.Select(b => (bool?)b))),
        (t, i, l, n, ts, d, b) => new Row(t, i, l, n, ts, d, b));

    [Fact]
    public async Task Write_StoresWhatNpgsqlStores_ForEveryValue()
    {
        var rows = EdgeTexts.Select(t => new Row(t, null, null, null, null))
            .Concat(EdgeNumbers.Select(n => new Row(null, null, null, n, null)))
            .Concat(EdgeTimes.Select(t => new Row(null, null, null, null, t)))
            .Concat(new[] { DateOnly.MinValue, DateOnly.MaxValue, new DateOnly(2000, 1, 1), new DateOnly(1999, 12, 31), new DateOnly(1, 1, 2) }
                .Select(d => new Row(null, null, null, null, null, d)))
            .Concat([new Row("x", int.MinValue, long.MinValue, null, null, null, true), new Row("y", int.MaxValue, long.MaxValue, null, null, null, false)])
            .ToList();
        (await DifferencesAsync(rows)).Should().BeEmpty();
    }

    [Fact]
    public async Task Write_StoresWhatNpgsqlStores_ForGeneratedRows()
    {
        // Each sample is a batch of rows (a round trip per row would make the test minutes long); a failing batch shrinks.
        var failures = new List<string>();
        await Rows.List[500, 2_000].SampleAsync(async batch =>
        {
            var differences = await DifferencesAsync(batch);
            failures.AddRange(differences);
            return differences.Count == 0;
        }, iter: 12);
        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task WriteRows_StoresKeptRowsAsRowsWrittenStraightIn_BetweenThem()
    {
        // A third of the rows kept aside (FindingWriter: the findings added while a chunk merges) and sent every 50 rows,
        // the texts longer than the buffer among them.
        var edges = Enumerable.Range(0, 120)
            .Select(i => new Row(EdgeTexts[i % EdgeTexts.Length], i, null, EdgeNumbers[i % EdgeNumbers.Length], EdgeTimes[i % EdgeTimes.Length]))
            .ToList();
        (await DifferencesAsync(edges, keepEvery: 3)).Should().BeEmpty();
        var failures = new List<string>();
        await Rows.List[200, 900].SampleAsync(async batch =>
        {
            var differences = await DifferencesAsync(batch, keepEvery: 3);
            failures.AddRange(differences);
            return differences.Count == 0;
        }, iter: 4);
        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task KeptRows_SendsEachRowOnce_WhenClearedBetweenTwoCopies()
    {
        // FindingWriter's findings that wait: sent into one chunk's COPY, cleared, and the next ones into the next COPY.
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await Execute(connection, "CREATE TEMP TABLE one (k int)");
        using var kept = new KeptRows("k");
        foreach (var batch in new[] { Enumerable.Range(0, 3), Enumerable.Range(3, 20_000) })
        {
            foreach (var k in batch)
            {
                kept.StartRow().Write(k);
            }

            await using var copy = BinaryCopyWriter.Begin(connection, "one", "k");
            kept.CopyInto(copy);
            await copy.CompleteAsync(Ct);
            kept.Clear();
            kept.Count.Should().Be(0);
        }

        await using var read = new NpgsqlCommand("SELECT count(*), count(DISTINCT k), min(k), max(k) FROM one", connection);
        await using var reader = await read.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetInt32(3)).Should().Be((20_003L, 20_003L, 0, 20_002));
    }

    [Fact]
    public async Task StartRow_Throws_WhenTheRowBeforeHasTooFewValues()
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await Execute(connection, $"CREATE TEMP TABLE ours ({Columns})");
        await using var copy = BinaryCopyWriter.Begin(connection, "ours", ColumnNames);
        copy.StartRow();
        copy.Write(1);
        copy.Write("only two");

        var act = copy.StartRow;

        act.Should().Throw<InvalidOperationException>().WithMessage("a COPY row of 8 columns got 2 values");
    }

    [Fact]
    public async Task Write_Throws_WhenTheRowHasAllItsValues()
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await Execute(connection, "CREATE TEMP TABLE one (k int)");
        await using var copy = BinaryCopyWriter.Begin(connection, "one", "k");
        copy.StartRow();
        copy.Write(1);

        var act = () => copy.Write(2);

        act.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public async Task Write_Throws_WhenTextIsNotValidUtf16_AsNpgsqlDoes()
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await Execute(connection, "CREATE TEMP TABLE one (t text)");
        await using (var copy = BinaryCopyWriter.Begin(connection, "one", "t"))
        {
            copy.StartRow();
            var ours = () => copy.Write("lone \uD800 surrogate");
            ours.Should().Throw<EncoderFallbackException>();
        }

        await using var theirs = await connection.BeginBinaryImportAsync("COPY one FROM STDIN (FORMAT BINARY)");
        await theirs.StartRowAsync();
        var npgsql = async () => await theirs.WriteAsync("lone \uD800 surrogate", NpgsqlDbType.Text);
        await npgsql.Should().ThrowAsync<EncoderFallbackException>();
    }

    [Fact]
    public async Task DisposeAsync_DiscardsTheRows_WhenNotCompleted()
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await Execute(connection, "CREATE TEMP TABLE one (k int)");
        await using (var copy = BinaryCopyWriter.Begin(connection, "one", "k"))
        {
            for (var k = 0; k < 20_000; k++)
            {
                copy.StartRow();
                copy.Write(k);
            }
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM one", connection);
        ((long)(await count.ExecuteScalarAsync())!).Should().Be(0);
    }

    [Fact]
    public async Task DisposeAsync_LeavesTheErrorToTheWrite_WhenTheConnectionBroke()
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await Execute(connection, "CREATE TEMP TABLE one (t text)");
        int pid;
        await using (var ask = new NpgsqlCommand("SELECT pg_backend_pid()", connection))
        {
            pid = (int)(await ask.ExecuteScalarAsync())!;
        }

        var copy = BinaryCopyWriter.Begin(connection, "one", "t");
        await using (var other = await Database.DataSource.OpenConnectionAsync())
        await using (var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", other))
        {
            kill.Parameters.AddWithValue("pid", pid);
            await kill.ExecuteScalarAsync();
        }

        var write = async () =>
        {
            for (var k = 0; k < 100_000; k++)
            {
                copy.StartRow();
                copy.Write("a row the server will never see");
            }

            await copy.CompleteAsync(CancellationToken.None);
        };

        (await write.Should().ThrowAsync<Exception>()).Which.Should().Match<Exception>(e => e is NpgsqlException || e is IOException);
        var dispose = async () => await copy.DisposeAsync();
        await dispose.Should().NotThrowAsync();
    }

    /// <summary>Writes <paramref name="rows"/> both ways and returns each row and column where the tables differ.</summary>
    /// <param name="keepEvery">Every this many rows one is kept aside (<see cref="BinaryCopyWriter.Rows"/>) and sent later.</param>
    private async Task<List<string>> DifferencesAsync(IReadOnlyList<Row> rows, int keepEvery = 0)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await Execute(connection, $"DROP TABLE IF EXISTS theirs; DROP TABLE IF EXISTS ours; CREATE TEMP TABLE theirs ({Columns}); CREATE TEMP TABLE ours ({Columns})");
        await using (var theirs = await connection.BeginBinaryImportAsync("COPY theirs FROM STDIN (FORMAT BINARY)"))
        {
            for (var k = 0; k < rows.Count; k++)
            {
                var row = rows[k];
                await theirs.StartRowAsync();
                await theirs.WriteAsync(k, NpgsqlDbType.Integer);
                await WriteAsync(theirs, row.Text, NpgsqlDbType.Text);
                await WriteAsync(theirs, row.Int, NpgsqlDbType.Integer);
                await WriteAsync(theirs, row.Long, NpgsqlDbType.Bigint);
                await WriteAsync(theirs, row.Number, NpgsqlDbType.Numeric);
                await WriteAsync(theirs, row.Time?.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                await WriteAsync(theirs, row.Date, NpgsqlDbType.Date);
                await WriteAsync(theirs, row.Flag, NpgsqlDbType.Boolean);
            }

            await theirs.CompleteAsync();
        }

        await using (var ours = BinaryCopyWriter.Begin(connection, "ours", ColumnNames))
        using (var keptBytes = new MemoryStream())
        {
            await using var kept = BinaryCopyWriter.Rows(keptBytes, ColumnNames);
            void SendKept()
            {
                kept.FlushRows();
                var length = keptBytes.Position;
                keptBytes.Position = 0;
                ours.WriteRows(keptBytes, length);
                keptBytes.SetLength(0);
            }

            for (var k = 0; k < rows.Count; k++)
            {
                var row = rows[k];
                var into = keepEvery > 0 && k % keepEvery == 1 ? kept : ours;
                if (keepEvery > 0 && k % 50 == 49)
                {
                    SendKept();
                }

                into.StartRow();
                into.Write(k);
                into.WriteOrNull(row.Text);
                into.WriteOrNull(row.Int);
                WriteOrNull(into, row.Long, into.Write);

                into.WriteOrNull(row.Number);
                into.WriteOrNull(row.Time);
                WriteOrNull(into, row.Date, into.Write);

                WriteOrNull(into, row.Flag, into.Write);
            }

            if (keepEvery > 0)
            {
                SendKept();
            }

            await ours.CompleteAsync(CancellationToken.None);
        }

        var differences = new List<string>();
        await using var compare = new NpgsqlCommand(
            """
            SELECT k, c, a, b FROM theirs FULL JOIN ours USING (k)
            CROSS JOIN LATERAL (VALUES
                ('t', theirs.t IS DISTINCT FROM ours.t, left(theirs.t, 40), left(ours.t, 40)),
                ('i', theirs.i IS DISTINCT FROM ours.i, theirs.i::text, ours.i::text),
                ('l', theirs.l IS DISTINCT FROM ours.l, theirs.l::text, ours.l::text),
                ('n', theirs.n IS DISTINCT FROM ours.n OR theirs.n::text IS DISTINCT FROM ours.n::text, theirs.n::text, ours.n::text),
                ('ts', theirs.ts IS DISTINCT FROM ours.ts OR theirs.ts::text IS DISTINCT FROM ours.ts::text, theirs.ts::text, ours.ts::text),
                ('d', theirs.d IS DISTINCT FROM ours.d, theirs.d::text, ours.d::text),
                ('f', theirs.f IS DISTINCT FROM ours.f, theirs.f::text, ours.f::text),
                ('row', theirs.k IS NULL OR ours.k IS NULL, theirs.k::text, ours.k::text)) v(c, differs, a, b)
            WHERE differs
            ORDER BY k, c
            LIMIT 20
            """, connection);
        await using var reader = await compare.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture,
                $"row {reader.GetInt32(0)} column {reader.GetString(1)}: Npgsql {Show(reader, 2)}, ours {Show(reader, 3)}"));
        }

        return differences;
    }

    /// <summary>The value by <paramref name="write"/>, or NULL (the writer has nullable overloads only where the import needs them).</summary>
    private static void WriteOrNull<T>(BinaryCopyWriter copy, T? value, Action<T> write)
        where T : struct
    {
        if (value is { } v)
        {
            write(v);
        }
        else
        {
            copy.WriteNull();
        }
    }

    private static string Show(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? "NULL" : reader.GetString(column);

    private static async Task WriteAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
        where T : struct
    {
        if (value is { } v)
        {
            await copy.WriteAsync(v, type);
        }
        else
        {
            await copy.WriteNullAsync();
        }
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            await copy.WriteNullAsync();
        }
        else
        {
            await copy.WriteAsync(value, type);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
