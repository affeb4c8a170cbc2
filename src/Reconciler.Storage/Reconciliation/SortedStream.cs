using Npgsql;

namespace Reconciler.Storage.Reconciliation;

/// <summary>
/// A stream of rows sorted by order number (code point order), read one order at a time by the evidence merge. A row
/// for an order the merge has already passed means the streams disagree, which is an error, never a dropped row;
/// unless the stream <paramref name="passesOver"/> the rows of orders not in scope (the date's rows read by their
/// order-number range, which holds other orders' rows too), where such a row is passed over. Rows out of order are an
/// error either way.
/// </summary>
internal sealed class SortedStream<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read, Func<T, string> orderNo, string name, bool passesOver = false)
    where T : struct
{
    private T? _current;

    public async Task StartAsync(CancellationToken cancellationToken) => await AdvanceAsync(cancellationToken);

    /// <summary>The next row of <paramref name="order"/>, or null once the stream has moved past it.</summary>
    /// <remarks>A value task: most rows come from the reader's buffer without waiting, and a task per row was an allocation per row.</remarks>
    public async ValueTask<T?> NextForAsync(string order, CancellationToken cancellationToken)
    {
        if (_current is not { } row)
        {
            return null;
        }

        var compared = CodePointOrder.Instance.Compare(orderNo(row), order);
        while (compared < 0 && passesOver)
        {
            await AdvanceAsync(cancellationToken);
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

        await AdvanceAsync(cancellationToken);
        return row;
    }

    public void EnsureDrained()
    {
        if (_current is { } row && !passesOver)
        {
            throw new InvalidOperationException($"the {name} of the evidence merge name order {orderNo(row)}, which is not in scope or out of order");
        }
    }

    private async ValueTask AdvanceAsync(CancellationToken cancellationToken)
    {
        var previous = _current;
        _current = await reader.ReadAsync(cancellationToken) ? read(reader) : null;
        if (previous is { } before && _current is { } after && CodePointOrder.Instance.Compare(orderNo(before), orderNo(after)) > 0)
        {
            throw new InvalidOperationException($"the {name} of the evidence merge are not in order at {orderNo(after)}");
        }
    }
}
