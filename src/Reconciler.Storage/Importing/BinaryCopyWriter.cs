using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Reconciler.Storage.Importing;

/// <summary>
/// Writes the rows of one binary <c>COPY … FROM STDIN (FORMAT BINARY)</c> into Npgsql's raw copy stream, encoding each
/// value itself into a 64 KB buffer: PostgreSQL's binary COPY format (a signature, then per row a field count and per
/// field a length and the type's binary send form, then -1). <see cref="NpgsqlBinaryImporter"/> writes the same bytes,
/// but resolves and calls a converter per value: about 300 ns per value, 4 CPU-seconds per million 13-column rows,
/// most of the CLI's share of an import; this writer takes about a seventh of that. Only the types the evidence tables
/// use are written (text, boolean, int4, int8, numeric, timestamptz, date), each exactly as Npgsql 10 writes it
/// (<c>BinaryCopyWriterTests</c> compares both on the server, value by value).
/// </summary>
internal sealed class BinaryCopyWriter : IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;

    // Npgsql refuses a string that is not valid UTF-16 (a lone surrogate) rather than change it; so does this writer.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // PostgreSQL's timestamps count microseconds from 2000-01-01 00:00 UTC.
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private static readonly int PostgresEpochDay = new DateOnly(2000, 1, 1).DayNumber;

    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    private readonly NpgsqlConnection? _connection;
    // The COPY's stream, or (Rows) the stream the rows are kept in.
    private readonly Stream _stream;
    private readonly NpgsqlRawCopyStream? _copy;
    private readonly short _columns;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _position;
    private int _fieldsInRow = -1;
    private bool _completed;

    private BinaryCopyWriter(NpgsqlConnection connection, NpgsqlRawCopyStream stream, short columns)
    {
        _connection = connection;
        _stream = _copy = stream;
        _columns = columns;
        Signature.CopyTo(_buffer);
        _position = Signature.Length;
        Int32(0); // flags: no OIDs
        Int32(0); // header extension length
    }

    private BinaryCopyWriter(Stream rows, short columns)
    {
        _stream = rows;
        _columns = columns;
    }

    /// <summary>
    /// Starts a binary COPY from STDIN into <paramref name="table"/>'s <paramref name="columns"/> (a comma-separated
    /// list, in the order each row writes them): every row must then write exactly that many values.
    /// </summary>
    public static BinaryCopyWriter Begin(NpgsqlConnection connection, string table, string columns)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        ArgumentException.ThrowIfNullOrWhiteSpace(columns);
        var count = checked((short)columns.Split(',').Length);
        return new BinaryCopyWriter(connection, connection.BeginRawBinaryCopy($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"), count);
    }

    /// <summary>
    /// Encodes rows of <paramref name="columns"/> as a COPY would into <paramref name="rows"/> (no header, no end), for a
    /// COPY to take later (<see cref="WriteRows"/>) once its connection is free; <see cref="FlushRows"/> before reading it.
    /// </summary>
    public static BinaryCopyWriter Rows(Stream rows, string columns)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentException.ThrowIfNullOrWhiteSpace(columns);
        return new BinaryCopyWriter(rows, checked((short)columns.Split(',').Length));
    }

    /// <summary>Writes what this <see cref="Rows"/> writer still buffers into its stream (the last row must be whole).</summary>
    public void FlushRows()
    {
        if (_copy is not null)
        {
            throw new InvalidOperationException("a COPY's rows are flushed by CompleteAsync");
        }

        FlushWholeRows();
    }

    /// <summary>
    /// Sends <paramref name="count"/> bytes of whole rows from <paramref name="rows"/> (a <see cref="Rows"/> writer's, of the
    /// same columns) as this COPY's next rows.
    /// </summary>
    public void WriteRows(Stream rows, long count)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (_copy is null)
        {
            throw new InvalidOperationException("rows are written into a COPY, not into kept rows");
        }

        FlushWholeRows();
        while (count > 0)
        {
            var read = rows.Read(_buffer, 0, (int)Math.Min(count, BufferSize));
            if (read == 0)
            {
                throw new EndOfStreamException(string.Create(CultureInfo.InvariantCulture, $"{count} bytes of kept rows are missing"));
            }

            _stream.Write(_buffer, 0, read);
            count -= read;
        }
    }

    public void StartRow()
    {
        EndRow();
        Ensure(2);
        Int16(_columns);
        _fieldsInRow = 0;
    }

    public void WriteNull()
    {
        Field(4);
        Int32(-1);
    }

    /// <summary>Text, or NULL for a null string (as Npgsql writes it).</summary>
    public void Write(string? value)
    {
        if (value is null)
        {
            WriteNull();
            return;
        }

        var most = Utf8.GetMaxByteCount(value.Length);
        if (most + 4 > BufferSize)
        {
            var bytes = Utf8.GetBytes(value);
            Field(4);
            Int32(bytes.Length);
            WriteLarge(bytes);
            return;
        }

        Field(4 + most);
        var length = Utf8.GetBytes(value, _buffer.AsSpan(_position + 4));
        Int32(length);
        _position += length;
    }

    public void WriteOrNull(string? value) => Write(value);

    public void Write(int value)
    {
        Field(8);
        Int32(4);
        Int32(value);
    }

    public void Write(long value)
    {
        Field(12);
        Int32(8);
        Int64(value);
    }

    public void Write(bool value)
    {
        Field(5);
        Int32(1);
        _buffer[_position++] = value ? (byte)1 : (byte)0;
    }

    public void WriteOrNull(int? value)
    {
        if (value is { } v)
        {
            Write(v);
        }
        else
        {
            WriteNull();
        }
    }

    /// <summary>
    /// A timestamptz: the instant (whatever its offset) in microseconds from PostgreSQL's epoch, the ticks below a
    /// microsecond dropped toward zero; <see cref="DateTimeOffset.MinValue"/> and <see cref="DateTimeOffset.MaxValue"/>
    /// are -infinity and infinity, as Npgsql maps them.
    /// </summary>
    public void Write(DateTimeOffset value)
    {
        Field(12);
        Int32(8);
        Int64(value == DateTimeOffset.MinValue ? long.MinValue
            : value == DateTimeOffset.MaxValue ? long.MaxValue
            : (value.UtcTicks - PostgresEpochTicks) / 10);
    }

    /// <summary>
    /// A date: days from PostgreSQL's epoch; <see cref="DateOnly.MinValue"/> and <see cref="DateOnly.MaxValue"/> are
    /// -infinity and infinity, as Npgsql maps them.
    /// </summary>
    public void Write(DateOnly value)
    {
        Field(8);
        Int32(4);
        Int32(value == DateOnly.MinValue ? int.MinValue : value == DateOnly.MaxValue ? int.MaxValue : value.DayNumber - PostgresEpochDay);
    }

    public void WriteOrNull(DateTimeOffset? value)
    {
        if (value is { } v)
        {
            Write(v);
        }
        else
        {
            WriteNull();
        }
    }

    /// <summary>
    /// A numeric with the decimal's own scale as its display scale (648.00m stays 648.00): base-10000 digit groups
    /// aligned on the decimal point, leading and trailing zero groups left out, zero as no groups with a positive sign.
    /// </summary>
    public void Write(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        var negative = bits[3] < 0;
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];

        // Pad the fraction to whole groups of four digits, then split into groups, least significant first.
        var pad = (4 - (scale % 4)) % 4;
        for (var i = 0; i < pad; i++)
        {
            mantissa *= 10;
        }

        Span<short> groups = stackalloc short[10];
        var count = 0;
        while (mantissa != 0)
        {
            groups[count++] = (short)(ushort)(mantissa % 10_000);
            mantissa /= 10_000;
        }

        var weight = count - ((scale + pad) / 4) - 1;
        var lowest = 0;
        while (lowest < count && groups[lowest] == 0)
        {
            lowest++;
        }

        var digits = count - lowest;
        Field(4 + 8 + (2 * digits));
        Int32(8 + (2 * digits));
        Int16((short)digits);
        Int16((short)(digits == 0 ? 0 : weight));
        Int16((short)(negative && digits != 0 ? 0x4000 : 0x0000));
        Int16((short)scale);
        for (var i = count - 1; i >= lowest; i--)
        {
            Int16(groups[i]);
        }
    }

    public void WriteOrNull(decimal? value)
    {
        if (value is { } v)
        {
            Write(v);
        }
        else
        {
            WriteNull();
        }
    }

    /// <summary>Ends the COPY: the trailer, the last bytes, and PostgreSQL's answer (an error in a row surfaces here).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_copy is null)
        {
            throw new InvalidOperationException("kept rows are completed by the COPY that takes them (WriteRows)");
        }

        if (_fieldsInRow >= 0)
        {
            EndRow();
        }

        Ensure(2);
        Int16(-1);
        await _stream.WriteAsync(_buffer.AsMemory(0, _position), cancellationToken);
        _position = 0;
        _completed = true;
        await _stream.DisposeAsync();
    }

    /// <summary>
    /// Cancels the COPY unless it was completed: PostgreSQL then discards every row sent. On a connection that broke
    /// (the error being reported is that one) there is nothing left to cancel, and the transaction is gone with it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_copy is null || _connection is null)
        {
            // Kept rows: their stream is the caller's.
            return;
        }

        if (_connection.FullState is System.Data.ConnectionState.Broken or System.Data.ConnectionState.Closed)
        {
            _completed = true;
            return;
        }

        if (!_completed)
        {
            _completed = true;
            await _copy.CancelAsync();
        }

        await _copy.DisposeAsync();
    }

    /// <summary>Checks that the last row is whole and sends what the buffer holds, so that other rows' bytes may follow.</summary>
    private void FlushWholeRows()
    {
        EndRow();
        _fieldsInRow = -1;
        Flush();
    }

    private void EndRow()
    {
        if (_fieldsInRow >= 0 && _fieldsInRow != _columns)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"a COPY row of {_columns} columns got {_fieldsInRow} values"));
        }
    }

    /// <summary>Counts one more field of the row and makes room for <paramref name="bytes"/> of it.</summary>
    private void Field(int bytes)
    {
        if (_fieldsInRow < 0 || _fieldsInRow >= _columns)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"a value written outside a row, or past the {_columns} columns of a COPY row"));
        }

        _fieldsInRow++;
        Ensure(bytes);
    }

    private void Ensure(int bytes)
    {
        if (_position + bytes > BufferSize)
        {
            Flush();
        }
    }

    private void Flush()
    {
        _stream.Write(_buffer, 0, _position);
        _position = 0;
    }

    private void WriteLarge(byte[] bytes)
    {
        Flush();
        _stream.Write(bytes, 0, bytes.Length);
    }

    private void Int16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_position), value);
        _position += 2;
    }

    private void Int32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_position), value);
        _position += 4;
    }

    private void Int64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_position), value);
        _position += 8;
    }
}
