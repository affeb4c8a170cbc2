using Reconciler.Reports.Model;

namespace Reconciler.Reports;

/// <summary>Writes a run's three outputs into one folder, each file replaced whole or not at all.</summary>
public static class ReportWriter
{
    /// <summary>Writes mismatches.csv, report.html and summary.json into <paramref name="outDir"/> (created if needed); returns their paths in that order.</summary>
    public static IReadOnlyList<string> WriteAll(RunReport report, string outDir)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);

        Directory.CreateDirectory(outDir);
        return
        [
            WriteAtomically(Path.Combine(outDir, MismatchesCsvWriter.FileName), report, MismatchesCsvWriter.Write),
            WriteAtomically(Path.Combine(outDir, HtmlReportWriter.FileName), report, HtmlReportWriter.Write),
            WriteAtomically(Path.Combine(outDir, SummaryJsonWriter.FileName), report, SummaryJsonWriter.Write),
        ];
    }

    // A reader (a person refreshing the page, a dashboard polling summary.json) sees the previous file or the new one,
    // never a half-written one: the rename within one folder replaces it in one step.
    private static string WriteAtomically(string path, RunReport report, Action<RunReport, Stream> write)
    {
        var temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(report, stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
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
