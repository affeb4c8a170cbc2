namespace Reconciler.Formats.Limits;

/// <summary>
/// A physical line taken out before the reader saw it: its number, full length in bytes and first bytes; too long
/// (<see cref="TooLong"/>) or holding a NUL byte, which no text format has and PostgreSQL text cannot store.
/// </summary>
public sealed record GuardedLine(long LineNumber, long Bytes, byte[] Prefix, bool TooLong);
