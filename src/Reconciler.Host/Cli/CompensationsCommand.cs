using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reconciler.Storage.Compensation;
using Spectre.Console;

namespace Reconciler.Host.Cli;

/// <summary>
/// <c>reconciler compensations claim | complete | fail | extend | list</c>: the compensation queue with the meaning
/// of the HTTP API. The JSON answer goes to stdout (what a consumer script parses); anything but 200 also puts one
/// line on stderr and exits non-zero.
/// </summary>
internal static class CompensationsCommand
{
    public static Command Create(Option<string?> config, Option<bool> verbose) =>
        new("compensations", "The compensation queue: claim requests under a lease, complete or fail them, list them.")
        {
            Claim(config, verbose),
            Complete(config, verbose),
            Fail(config, verbose),
            Extend(config, verbose),
            List(config, verbose),
        };

    private static Option<string?> IdempotencyKey() =>
        new("--idempotency-key") { Description = "Repeating the command with the same key returns the first answer instead of acting again." };

    private static Option<string?> LeaseToken() =>
        new("--lease-token") { Description = "The leaseToken the claim returned." };

    private static Argument<string> RequestId() =>
        new("request-id") { Description = "The compensation request id (the finding id) from the claim." };

    private static Command Claim(Option<string?> config, Option<bool> verbose)
    {
        var consumer = new Option<string?>("--consumer") { Description = "Who claims (kept with each request)." };
        var limit = new Option<int>("--limit") { Description = "At most this many requests (default 10).", DefaultValueFactory = _ => 10 };
        var leaseSeconds = new Option<int>("--lease-seconds") { Description = "The lease length (default 300).", DefaultValueFactory = _ => 300 };
        var key = IdempotencyKey();
        var command = new Command("claim", "Claim due requests; prints {\"items\":[...]} with a leaseToken and leaseExpiresAt each.")
        {
            consumer, limit, leaseSeconds, key,
        };
        command.SetAction((parse, cancellationToken) => AnswerAsync(parse, config, verbose, (store, ct) =>
            store.ClaimAsync(parse.GetValue(consumer), parse.GetValue(limit), parse.GetValue(leaseSeconds), parse.GetValue(key), ct), cancellationToken));
        return command;
    }

    private static Command Complete(Option<string?> config, Option<bool> verbose)
    {
        var id = RequestId();
        var token = LeaseToken();
        var reference = new Option<string?>("--reference") { Description = "The refund or re-delivery reference in the paying system." };
        var key = IdempotencyKey();
        var command = new Command("complete", "Mark a claimed request completed.") { id, token, reference, key };
        command.SetAction((parse, cancellationToken) => AnswerAsync(parse, config, verbose, (store, ct) =>
            store.CompleteAsync(parse.GetValue(id)!, parse.GetValue(token), parse.GetValue(reference), parse.GetValue(key), ct), cancellationToken));
        return command;
    }

    private static Command Fail(Option<string?> config, Option<bool> verbose)
    {
        var id = RequestId();
        var token = LeaseToken();
        var reason = new Option<string?>("--reason") { Description = "Why the attempt failed (kept with the request)." };
        var retryable = new Option<bool>("--retryable") { Description = "Try again after a backoff, up to Reconciler:Compensation:MaxAttempts." };
        var key = IdempotencyKey();
        var command = new Command("fail", "Record a failed attempt of a claimed request.") { id, token, reason, retryable, key };
        command.SetAction((parse, cancellationToken) => AnswerAsync(parse, config, verbose, (store, ct) =>
            store.FailAsync(parse.GetValue(id)!, parse.GetValue(token), parse.GetValue(reason), parse.GetValue(retryable), parse.GetValue(key), ct), cancellationToken));
        return command;
    }

    private static Command Extend(Option<string?> config, Option<bool> verbose)
    {
        var id = RequestId();
        var token = LeaseToken();
        var leaseSeconds = new Option<int>("--lease-seconds") { Description = "The new lease length from now (default 300).", DefaultValueFactory = _ => 300 };
        var key = IdempotencyKey();
        var command = new Command("extend", "Extend the lease of a claimed request.") { id, token, leaseSeconds, key };
        command.SetAction((parse, cancellationToken) => AnswerAsync(parse, config, verbose, (store, ct) =>
            store.ExtendAsync(parse.GetValue(id)!, parse.GetValue(token), parse.GetValue(leaseSeconds), parse.GetValue(key), ct), cancellationToken));
        return command;
    }

    private static Command List(Option<string?> config, Option<bool> verbose)
    {
        var state = new Option<string?>("--state") { Description = "pending, claimed, completed, failed or withdrawn." };
        var date = new Option<string?>("--date") { Description = "Business date of the finding (yyyy-MM-dd)." };
        var kind = new Option<string?>("--kind") { Description = "Finding kind, e.g. charged_not_delivered." };
        var after = new Option<string?>("--after") { Description = "The page after this request id (the previous page's next)." };
        var limit = new Option<int>("--limit") { Description = "At most this many requests (default 100).", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "Print the JSON page (as GET /api/compensations) instead of a table." };
        var command = new Command("list", "List requests by state, business date and kind.") { state, date, kind, after, limit, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = AppServices.LoadConfiguration(parse.GetValue(config));
            await using var services = AppServices.Build(configuration, parse.GetValue(verbose));
            return await CliErrors.GuardAsync(async () =>
            {
                var day = parse.GetValue(date) is { } text ? OptionParsing.Date(text, "--date") : (DateOnly?)null;
                await AppServices.MigrateAsync(services, cancellationToken);
                var answer = await services.GetRequiredService<CompensationStore>().ListAsync(
                    new CompensationFilter(parse.GetValue(state), day, parse.GetValue(kind), parse.GetValue(after), parse.GetValue(limit)), cancellationToken);
                if (parse.GetValue(json) || !answer.IsOk)
                {
                    return Print(answer);
                }

                var page = answer.Read<CompensationPage>();
                var table = new Table().AddColumns("Request", "State", "Kind", "Action", "Amount", "Order", "Date", "Attempts", "Claimed by", "Last error / reference");
                foreach (var item in page.Items)
                {
                    table.AddRow(
                        Markup.Escape(item.RequestId), item.State, item.Kind, item.Action,
                        Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{item.Amount} {item.Currency}")),
                        Markup.Escape(item.OrderNo ?? ""), item.BusinessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        item.Attempts.ToString(CultureInfo.InvariantCulture), Markup.Escape(item.ClaimedBy ?? ""),
                        Markup.Escape(item.Reference ?? item.LastError ?? ""));
                }

                CliConsole.Create().Write(table);
                Console.WriteLine(page.Next is { } next ? $"{page.Items.Count} request(s); next page: --after {next}" : $"{page.Items.Count} request(s)");
                return ExitCodes.Ok;
            }, () => AppServices.DescribeDatabase(services));
        });
        return command;
    }

    private static async Task<int> AnswerAsync(
        ParseResult parse, Option<string?> config, Option<bool> verbose, Func<CompensationStore, CancellationToken, Task<QueueAnswer>> operation,
        CancellationToken cancellationToken)
    {
        var configuration = AppServices.LoadConfiguration(parse.GetValue(config));
        await using var services = AppServices.Build(configuration, parse.GetValue(verbose));
        return await CliErrors.GuardAsync(async () =>
        {
            await AppServices.MigrateAsync(services, cancellationToken);
            return Print(await operation(services.GetRequiredService<CompensationStore>(), cancellationToken));
        }, () => AppServices.DescribeDatabase(services));
    }

    private static int Print(QueueAnswer answer)
    {
        Console.WriteLine(answer.Body);
        if (answer.IsOk)
        {
            return ExitCodes.Ok;
        }

        var error = answer.Read<QueueError>();
        return CliErrors.Fail(
            string.Create(CultureInfo.InvariantCulture, $"{answer.StatusCode} {error.Reason}: {error.Error}"),
            answer.Outcome switch
            {
                QueueOutcome.BadRequest => ExitCodes.BadInput,
                QueueOutcome.NotFound => ExitCodes.NotFound,
                _ => ExitCodes.Conflict,
            });
    }
}
