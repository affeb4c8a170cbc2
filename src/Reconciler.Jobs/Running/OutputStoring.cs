using System.Threading.Channels;
using Reconciler.Reports;
using Reconciler.Storage.Runs;

namespace Reconciler.Jobs.Running;

/// <summary>
/// Stores a run's outputs in the database as each one's gzip copy is done (<see cref="Copies"/>), in the transaction that
/// then completes the run (<see cref="RunCompletion"/>): mismatches.csv and report.html are sent while summary.json, the
/// last written, is still being written. Sent only once the three were written, they had been the report phase's last
/// half second, with one core idle (the second day of a 1 M series, `perf`).
/// </summary>
internal sealed class OutputStoring : IAsyncDisposable
{
    private readonly RunCompletion _completion;
    private readonly Channel<string> _written = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _storing;

    public OutputStoring(RunCompletion completion, CancellationToken cancellationToken)
    {
        _completion = completion;
        Copies = new GzipCopies(name => _written.Writer.TryWrite(name));
        _storing = Task.Run(() => StoreAsync(cancellationToken), cancellationToken);
    }

    /// <summary>The gzip copies the report writers make; each is stored as soon as it is complete.</summary>
    public GzipCopies Copies { get; }

    /// <summary>
    /// Stores what is left of <paramref name="outputs"/> (the paths <see cref="ReportWriter.WriteAll"/> returned), then
    /// marks the run completed and commits.
    /// </summary>
    public async Task CompleteAsync(IReadOnlyList<string> outputs, string summaryJson, CancellationToken cancellationToken)
    {
        _written.Writer.TryComplete();
        await _storing;
        await _completion.StoreOutputsAsync(outputs, Copies.OpenRead, cancellationToken);
        await _completion.CompleteAsync(summaryJson, cancellationToken);
    }

    private async Task StoreAsync(CancellationToken cancellationToken)
    {
        await foreach (var name in _written.Reader.ReadAllAsync(cancellationToken))
        {
            if (!RunStore.IsOutput(name))
            {
                continue;
            }

            await using var content = Copies.OpenRead(name)
                ?? throw new InvalidOperationException($"the gzip copy of {name} was announced but is not there");
            await _completion.StoreOutputAsync(name, content, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A run that fails stops here: nothing is sent after this, and the transaction rolls back.
        _written.Writer.TryComplete();
        try
        {
            await _storing;
        }
        catch (Exception)
        {
            // The run's own error is the one reported; a store cut short by it is its echo.
        }

        await _completion.DisposeAsync();
        Copies.Dispose();
    }
}
