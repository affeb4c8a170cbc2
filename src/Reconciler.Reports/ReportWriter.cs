using Reconciler.Reports.Model;

namespace Reconciler.Reports;

/// <summary>Writes a run's three outputs into one folder, each file replaced whole or not at all.</summary>
public static class ReportWriter
{
    /// <summary>Writes mismatches.csv, report.html and summary.json into <paramref name="outDir"/> (created if needed); returns their paths in that order.</summary>
    /// <param name="checkpoint">Told <c>report-tmp:NAME</c> once a file's temporary copy is written and <c>report-renamed:NAME</c> once it is in place (the crash harness kills the process there).</param>
    public static IReadOnlyList<string> WriteAll(RunReport report, string outDir, Action<string>? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);

        Directory.CreateDirectory(outDir);
        return
        [
            WriteAtomically(Path.Combine(outDir, MismatchesCsvWriter.FileName), report, MismatchesCsvWriter.Write, checkpoint),
            WriteAtomically(Path.Combine(outDir, HtmlReportWriter.FileName), report, HtmlReportWriter.Write, checkpoint),
            WriteAtomically(Path.Combine(outDir, SummaryJsonWriter.FileName), report, SummaryJsonWriter.Write, checkpoint),
        ];
    }

    // A reader (a person refreshing the page, a dashboard polling summary.json) sees the previous file or the new one,
    // never a half-written one: the rename within one folder replaces it in one step.
    private static string WriteAtomically(string path, RunReport report, Action<RunReport, Stream> write, Action<string>? checkpoint)
    {
        var temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(report, stream);
                stream.Flush(flushToDisk: true);
            }

            checkpoint?.Invoke("report-tmp:" + Path.GetFileName(path));
            File.Move(temporary, path, overwrite: true);
            checkpoint?.Invoke("report-renamed:" + Path.GetFileName(path));
            return path;
        }
        catch
        {
            DeleteLeftover(temporary);
            throw;
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
