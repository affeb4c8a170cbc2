namespace Reconciler.Host.Cli;

/// <summary>The CLI's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>The command completed (a run with findings completed too).</summary>
    public const int Ok = 0;

    /// <summary>Something unexpected failed; the message says what.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: options, an unreadable inbox, a file of unknown format.</summary>
    public const int BadInput = 2;

    /// <summary>The database cannot be reached.</summary>
    public const int DatabaseUnreachable = 3;

    /// <summary>The compensation request does not exist (HTTP 404).</summary>
    public const int NotFound = 4;

    /// <summary>The compensation request's state or lease does not allow the change (HTTP 409); stdout has the reason.</summary>
    public const int Conflict = 5;
}
