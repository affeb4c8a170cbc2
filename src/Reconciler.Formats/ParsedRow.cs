namespace Reconciler.Formats;

/// <summary>One line of an input file after parsing: evidence, or a quarantined line. Line numbers are 1-based physical lines.</summary>
public abstract record ParsedRow(long LineNumber);
