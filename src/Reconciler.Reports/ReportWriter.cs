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
        (string Path, Action<RunReport, Stream> Write)[] outputs =
        [
            (Path.Combine(outDir, MismatchesCsvWriter.FileName), MismatchesCsvWriter.Write),
            (Path.Combine(outDir, HtmlReportWriter.FileName), HtmlReportWriter.Write),
            (Path.Combine(outDir, SummaryJsonWriter.FileName), SummaryJsonWriter.Write),
        ];
        try
        {
            // One after the other: written side by side they saved half a second of a 1 M-order rerun and cost 80 MB of
            // peak memory on a day of 200k findings. All three temporary copies are written before any is renamed.
            foreach (var (path, write) in outputs)
            {
                WriteTemporary(path, report, write);
            }

            foreach (var (path, _) in outputs)
            {
                checkpoint?.Invoke("report-tmp:" + Path.GetFileName(path));
                File.Move(path + ".tmp", path, overwrite: true);
                checkpoint?.Invoke("report-renamed:" + Path.GetFileName(path));
            }
        }
        catch
        {
            foreach (var (path, _) in outputs)
            {
                DeleteLeftover(path + ".tmp");
            }

            throw;
        }

        return outputs.Select(output => output.Path).ToList();
    }

    // A reader (a person refreshing the page, a dashboard polling summary.json) sees the previous file or the new one,
    // never a half-written one: the rename within one folder replaces it in one step.
    private static void WriteTemporary(string path, RunReport report, Action<RunReport, Stream> write)
    {
        using var stream = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None);
        write(report, stream);
        stream.Flush(flushToDisk: true);
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
