using Reconciler.Reports.Model;

namespace Reconciler.Reports;

/// <summary>Writes a run's three outputs into one folder, each file replaced whole or not at all.</summary>
public static class ReportWriter
{
    /// <summary>
    /// Writes the temporary copy of mismatches.csv ahead of the other two: it needs only the findings a run still sees
    /// (<see cref="RunReport.Findings"/>), so a run writes it while PostgreSQL is still grouping the incidents that lead
    /// the other two. <see cref="WriteAll"/> with <c>mismatchesAhead</c> then puts it in place with them; a run that fails
    /// before that removes it with <see cref="DeleteTemporaries"/>.
    /// </summary>
    public static void WriteMismatchesAhead(ReportedFindings findings, string outDir, GzipCopies? gzipCopies = null)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);

        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, MismatchesCsvWriter.FileName);
        var fragment = FindingsFragmentPath(outDir);
        try
        {
            // summary.json lists the same findings in the same order: its list is written from this read too, into a
            // file of its own that WriteAll copies into the document, and once WriteAll reaches the list, into the
            // document itself (SummaryJsonWriter.FindingsFragment).
            using (var jsonRows = new SummaryJsonWriter.FindingsFragment(fragment))
            {
                WriteTemporary(path, stream => MismatchesCsvWriter.WriteRows(
                    findings.Read(FindingOrder.ByKey).Select(finding =>
                    {
                        jsonRows.Add(finding);
                        return finding;
                    }),
                    stream), gzipCopies);
                jsonRows.Complete();
            }
        }
        catch
        {
            DeleteLeftover(path + ".tmp");
            DeleteLeftover(fragment);
            throw;
        }
    }

    /// <summary>Where <see cref="WriteMismatchesAhead"/> leaves summary.json's findings list for <see cref="WriteAll"/>.</summary>
    private static string FindingsFragmentPath(string outDir) => Path.Combine(outDir, SummaryJsonWriter.FileName + ".findings.tmp");

    /// <summary>Writes mismatches.csv, report.html and summary.json into <paramref name="outDir"/> (created if needed); returns their paths in that order.</summary>
    /// <param name="checkpoint">Told <c>report-tmp:NAME</c> once a file's temporary copy is written and <c>report-renamed:NAME</c> once it is in place (the crash harness kills the process there).</param>
    /// <param name="mismatchesAhead">mismatches.csv's temporary copy was written by <see cref="WriteMismatchesAhead"/> from this report's findings.</param>
    /// <param name="gzipCopies">Gets a gzip copy of each file as it is written.</param>
    /// <param name="mismatchesWritten">
    /// With <paramref name="mismatchesAhead"/>: the <see cref="WriteMismatchesAhead"/> still running. report.html is
    /// written beside it, and so is summary.json up to its findings list, whose rows it writes: those written so far are
    /// copied, the rest it writes into summary.json itself, and summary.json ends once it is done (its error is this
    /// call's).
    /// </param>
    public static IReadOnlyList<string> WriteAll(
        RunReport report, string outDir, Action<string>? checkpoint = null, bool mismatchesAhead = false, GzipCopies? gzipCopies = null,
        Task? mismatchesWritten = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);

        Directory.CreateDirectory(outDir);
        var fragment = FindingsFragmentPath(outDir);
        var mismatches = Path.Combine(outDir, MismatchesCsvWriter.FileName);
        void WrittenAhead()
        {
            mismatchesWritten?.GetAwaiter().GetResult();
            if (!(File.Exists(mismatches + ".tmp") && File.Exists(fragment)))
            {
                throw new InvalidOperationException($"{mismatches}.tmp: mismatches.csv was not written ahead");
            }
        }

        (string Path, Action<RunReport, Stream>? Write)[] outputs =
        [
            (mismatches, mismatchesAhead ? null : MismatchesCsvWriter.Write),
            (Path.Combine(outDir, HtmlReportWriter.FileName), HtmlReportWriter.Write),
            (Path.Combine(outDir, SummaryJsonWriter.FileName),
                mismatchesAhead
                    ? (r, stream) =>
                    {
                        // Written up to its findings list while mismatches.csv is still being written; the list's rows
                        // written so far are copied, and the rest come straight from the writer of mismatches.csv.
                        try
                        {
                            SummaryJsonWriter.Write(r, stream, fragment, WrittenAhead);
                        }
                        catch (InvalidOperationException) when (mismatchesWritten is not null)
                        {
                            // That writer's own error, not its echo (the list not written to its end).
                            WrittenAhead();
                            throw;
                        }

                        WrittenAhead();
                    }
                    : SummaryJsonWriter.Write),
        ];
        try
        {
            if (mismatchesAhead && mismatchesWritten is null)
            {
                WrittenAhead();
            }

            // Side by side: each streams its findings from the database in its own order (RunReport.Findings), so
            // writing them together costs a connection and a buffer each, not a copy of the findings. All temporary
            // copies are written before any is renamed.
            var writes = outputs.Where(o => o.Write is not null).ToList();
            try
            {
                Parallel.ForEach(writes, output => WriteTemporary(output.Path, stream => output.Write!(report, stream), gzipCopies));
            }
            catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
            {
                // The first writer's own error (a full disk, a lost connection), not "one or more errors occurred".
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                throw;
            }

            DeleteLeftover(fragment);
            foreach (var (path, _) in outputs)
            {
                checkpoint?.Invoke("report-tmp:" + Path.GetFileName(path));
                File.Move(path + ".tmp", path, overwrite: true);
                checkpoint?.Invoke("report-renamed:" + Path.GetFileName(path));
            }
        }
        catch
        {
            // Nothing may still write a temporary copy once they are removed (a report.html that failed at once).
            WaitQuietly(mismatchesWritten);
            foreach (var (path, _) in outputs)
            {
                DeleteLeftover(path + ".tmp");
            }

            DeleteLeftover(fragment);
            throw;
        }

        return outputs.Select(output => output.Path).ToList();
    }

    // A reader (a person refreshing the page, a dashboard polling summary.json) sees the previous file or the new one,
    // never a half-written one: the rename within one folder replaces it in one step.
    private static void WriteTemporary(string path, Action<Stream> write, GzipCopies? gzipCopies)
    {
        using var stream = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None);
        if (gzipCopies is null)
        {
            write(stream);
        }
        else
        {
            gzipCopies.Write(path, stream, write);
        }

        stream.Flush(flushToDisk: true);
    }

    /// <summary>Removes the temporary copies a run that failed left in <paramref name="outDir"/> (the outputs in place stay).</summary>
    public static void DeleteTemporaries(string outDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        foreach (var name in new[] { MismatchesCsvWriter.FileName, HtmlReportWriter.FileName, SummaryJsonWriter.FileName })
        {
            DeleteLeftover(Path.Combine(outDir, name + ".tmp"));
            DeleteLeftover(GzipCopies.CopyPathOf(Path.Combine(outDir, name)));
        }

        DeleteLeftover(FindingsFragmentPath(outDir));
    }

    /// <summary>Waits for a write whose error is reported elsewhere (or is the echo of the one being reported).</summary>
    private static void WaitQuietly(Task? write)
    {
        try
        {
            write?.GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // Reported by whoever awaits it; here only its end matters.
        }
    }

    private static void DeleteLeftover(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (IOException)
        {
            // The write already failed; that exception is the one to report, not a second one about its leftover.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
