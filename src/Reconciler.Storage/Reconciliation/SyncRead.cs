using Npgsql;

namespace Reconciler.Storage.Reconciliation;

/// <summary>The evidence merge's synchronous row reads (<see cref="SortedStream{T}"/> says why), cancellable as awaited ones.</summary>
internal static class SyncRead
{
    /// <summary>
    /// The reader's next row, read synchronously. A synchronous read takes no token: the run's cancellation cancels the
    /// statement instead (<see cref="CancelOnToken"/>), and the read it stopped throws Npgsql's
    /// <see cref="OperationCanceledException"/>, as an awaited read would have.
    /// </summary>
    public static bool Row(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return reader.Read();
    }

    /// <summary>Sends PostgreSQL a cancel request for <paramref name="command"/> when <paramref name="cancellationToken"/> fires.</summary>
    public static CancellationTokenRegistration CancelOnToken(NpgsqlCommand command, CancellationToken cancellationToken) =>
        cancellationToken.Register(static state => Cancel((NpgsqlCommand)state!), command);

    private static void Cancel(NpgsqlCommand command)
    {
        try
        {
            command.Cancel();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or NpgsqlException)
        {
            // The statement is over (its reader closed, its connection gone): nothing left to stop. Thrown from here, it
            // would reach whoever cancelled the run.
        }
    }
}
