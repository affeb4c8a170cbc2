using System.CommandLine;
using System.Text.Json;
using Reconciler.Web.Auth;

namespace Reconciler.Host.Cli;

/// <summary><c>reconciler keys new --name N --role R</c>: a fresh API key, printed once, and the entry that holds only its hash.</summary>
internal static class KeysCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var name = new Option<string?>("--name") { Description = "Who holds the key (shown in run records and logs)." };
        var role = new Option<string[]>("--role") { Description = "finance, operator or compensation (repeatable).", AllowMultipleArgumentsPerToken = true };
        var create = new Command("new", "Make a new API key; print it once, with the configuration entry holding its SHA-256.") { name, role };
        create.SetAction(parse => CliErrors.Guard(() =>
        {
            var holder = parse.GetValue(name);
            if (string.IsNullOrWhiteSpace(holder))
            {
                throw new UsageException("--name is required, e.g. --name ops.zhang");
            }

            var roles = (parse.GetValue(role) ?? []).SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct(StringComparer.Ordinal).ToList();
            if (roles.Count == 0 || roles.Any(r => !Roles.All.Contains(r, StringComparer.Ordinal)))
            {
                throw new UsageException($"--role must be one or more of {string.Join(", ", Roles.All)}");
            }

            var (key, sha) = ApiKeys.NewKey();
            Console.WriteLine($"key: {key}");
            Console.WriteLine("Keep it now: it is not stored anywhere and cannot be shown again.");
            Console.WriteLine("Add this entry to Reconciler:Api:Keys in appsettings.json:");
            Console.WriteLine(JsonSerializer.Serialize(new { Name = holder.Trim(), KeySha256 = sha, Roles = roles }, Indented));
            return ExitCodes.Ok;
        }));
        return new Command("keys", "Manage API keys.") { create };
    }
}
