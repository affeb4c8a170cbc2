using System.Net.Sockets;
using Npgsql;
using Reconciler.Formats.Detection;
using Reconciler.Jobs.Importing;

namespace Reconciler.Host.Cli;

/// <summary>Turns what stops a command into one line on stderr and an exit code.</summary>
internal static class CliErrors
{
    public static async Task<int> GuardAsync(Func<Task<int>> action, Func<string> database)
    {
        try
        {
            return await action();
        }
        catch (UsageException e)
        {
            return Fail(e.Message, ExitCodes.BadInput);
        }
        catch (InboxException e)
        {
            return Fail(e.Message, ExitCodes.BadInput);
        }
        catch (UnrecognisedFormatException e)
        {
            return Fail(e.Message, ExitCodes.BadInput);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("57P", StringComparison.Ordinal) || e.SqlState.StartsWith("08", StringComparison.Ordinal))
        {
            return Fail($"the database at {database()} went away mid-command ({e.SqlState}: {e.MessageText}); nothing half-done was kept: run the command again once it is back.", ExitCodes.DatabaseUnreachable);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return Fail($"database unreachable at {database()}: {Innermost(e).Message}. Start it with scripts/db.sh or set RECONCILER_DB.", ExitCodes.DatabaseUnreachable);
        }
        catch (OperationCanceledException)
        {
            return Fail("cancelled", ExitCodes.Failed);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return Fail($"{e.GetType().Name}: {e.Message}", ExitCodes.Failed);
        }
    }

    /// <summary>The same for a verb that touches no database.</summary>
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UsageException e)
        {
            return Fail(e.Message, ExitCodes.BadInput);
        }
    }

    public static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"reconciler: {message.ReplaceLineEndings(" ")}");
        return code;
    }

    private static bool IsUnreachable(Exception e) =>
        e is NpgsqlException { InnerException: SocketException or TimeoutException or IOException } ||
        e is NpgsqlException && Innermost(e) is SocketException ||
        e is PostgresException { SqlState: "3D000" or "28P01" or "28000" };

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
