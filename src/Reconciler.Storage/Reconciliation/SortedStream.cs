using Npgsql;

namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// A stream of rows sorted by order number (code point order), read one order at a time by the evidence merge. A row
/// for an order the merge has already passed means the streams disagree, which is an error, never a dropped row;
/// unless the stream <paramref name="passesOver"/> the rows of orders not in scope (the date's rows read by their
/// order-number range, which holds other orders' rows too), where such a row is passed over. Rows out of order are an
/// error either way.
/// <para>
/// Read synchronously (<see cref="SyncRead.Row"/>): the merge takes one row at a time from whichever stream the next order
/// needs, so it has nothing else to do while a row is on its way, and an awaited read that found the buffer empty resumed
/// the merge on another pool thread, tens of thousands of times a day (alternating with the asynchronous read, 1 M orders
/// at 10 % breaks, seven pairs: the evidence phase 5.42–6.34 s against 5.94–7.72 s).
/// </para>
/// </summary>
internal sealed class SortedStream<T>(
    NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read, Func<T, string> orderNo, string name, CancellationToken cancellationToken, bool passesOver = false)
    where T : struct
{
    private T? _current;

    public void Start() => Advance();

    /// <summary>The next row of <paramref name="order"/>, or null once the stream has moved past it.</summary>
    public T? NextFor(string order)
    {
        if (_current is not { } row)
        {
            return null;
        }

        var compared = CodePointOrder.Instance.Compare(orderNo(row), order);
        while (compared < 0 && passesOver)
        {
            Advance();
            if (_current is not { } next)
            {
                return null;
            }

            row = next;
            compared = CodePointOrder.Instance.Compare(orderNo(row), order);
        }

        if (compared > 0)
        {
            return null;
        }

        if (compared < 0)
        {
            throw new InvalidOperationException($"the {name} of the evidence merge name order {orderNo(row)}, which is not in scope or out of order");
        }

        Advance();
        return row;
    }

    public void EnsureDrained()
    {
        if (_current is { } row && !passesOver)
        {
            throw new InvalidOperationException($"the {name} of the evidence merge name order {orderNo(row)}, which is not in scope or out of order");
        }
    }

    private void Advance()
    {
        var previous = _current;
        _current = SyncRead.Row(reader, cancellationToken) ? read(reader) : null;
        if (previous is { } before && _current is { } after && CodePointOrder.Instance.Compare(orderNo(before), orderNo(after)) > 0)
        {
            throw new InvalidOperationException($"the {name} of the evidence merge are not in order at {orderNo(after)}");
        }
    }
}
