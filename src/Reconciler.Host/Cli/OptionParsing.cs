using Reconciler.Core.Time;

namespace Reconciler.Host.Cli;

/// <summary>Reads dates and instants from the command line, invariantly, with errors a person can act on.</summary>
internal static class OptionParsing
{
    public static DateOnly Date(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UsageException($"{option} is required, e.g. {option} 2026-11-18");
        }

        return BusinessCalendar.TryParseDate(text, out var date)
            ? date
            : throw new UsageException($"{option} '{text}' is not a date; write it as yyyy-MM-dd, e.g. 2026-11-18");
    }

    /// <summary>An ISO 8601 instant; without an offset it is read as wall-clock time of <paramref name="zone"/>.</summary>
    public static DateTimeOffset Instant(string text, string option, TimeZoneInfo zone) =>
        BusinessCalendar.TryParseInstant(text, zone, out var instant)
            ? instant
            : throw new UsageException($"{option} '{text}' is not a time; write it as ISO 8601, e.g. 2026-11-19T10:30:00+08:00");
}
