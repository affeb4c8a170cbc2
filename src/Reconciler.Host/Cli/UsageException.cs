namespace Reconciler.Host.Cli;

/// <summary>An option value the CLI cannot use; the message says which and what it expects.</summary>
internal sealed class UsageException(string message) : Exception(message);
