using System.Globalization;
using System.Security.Cryptography;
using Reconciler.Core.Evidence;
using Reconciler.Core.Matching;
using Reconciler.Core.Time;
using Reconciler.Storage.Importing;
using Reconciler.Storage.Runs;
using Reconciler.Testing;

namespace Reconciler.Storage.Tests.Support;

/// <summary>A fresh migrated schema per test, a run to import under, and one-call imports of hand-built evidence.</summary>
public abstract class DatabaseTest : IAsyncLifetime
{
    protected static readonly DateOnly Day = new(2026, 11, 18);

    protected static readonly BusinessCalendar Calendar = new(BusinessCalendar.BeijingZoneId);

    private TestDatabase? _database;

    protected TestDatabase Database => _database ?? throw new InvalidOperationException("The test database is created in InitializeAsync.");

    protected RunStore Runs => new(Database.DataSource);

    protected static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected static ReconciliationWindow WindowFor(DateOnly date) =>
        new(date, Calendar.StartOf(date), Calendar.EndOf(date), Calendar.EndOf(date).AddHours(10));

    protected Task<long> CreateRunAsync(DateOnly? date = null) =>
        Runs.CreateRunAsync(date ?? Day, WindowFor(date ?? Day).AsOf, "ops.zhang", "nightly", Ct);

    protected static FileIdentity Identity(string sourceName, string format, EvidenceKind kind, string entryName = "") =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), entryName, sourceName, format, kind);

    protected async Task<long> ImportOrdersAsync(long runId, string sourceName, params OrderRecord[] orders)
    {
        var import = await BeginAsync(Identity(sourceName, "orders", EvidenceKind.Orders), runId);
        await using (import)
        {
            var line = 1;
            foreach (var order in orders)
            {
                import.AddOrder(++line, order);
            }

            return (await import.CommitAsync(new FileFacts(null, null, null, null), Ct)).FileId!.Value;
        }
    }

    protected async Task<long> ImportSettlementAsync(
        long runId, string sourceName, string provider, IEnumerable<SettlementRecord> lines, DateOnly? periodStart = null, DateOnly? periodEnd = null)
    {
        var import = await BeginAsync(Identity(sourceName, provider + "-bill", EvidenceKind.Settlement), runId);
        await using (import)
        {
            var line = 1;
            foreach (var settlement in lines)
            {
                import.AddSettlement(++line, settlement);
            }

            return (await import.CommitAsync(new FileFacts(provider, null, periodStart, periodEnd), Ct)).FileId!.Value;
        }
    }

    protected async Task<long> ImportDeliveriesAsync(long runId, string sourceName, params DeliveryRecord[] deliveries)
    {
        var import = await BeginAsync(Identity(sourceName, "vendor-csv", EvidenceKind.Delivery), runId);
        await using (import)
        {
            var line = 1;
            foreach (var delivery in deliveries)
            {
                import.AddDelivery(++line, delivery);
            }

            return (await import.CommitAsync(new FileFacts(null, null, null, null), Ct)).FileId!.Value;
        }
    }

    protected async Task<EvidenceImport> BeginAsync(FileIdentity identity, long runId)
    {
        var (import, duplicate) = await EvidenceImport.BeginAsync(Database.DataSource, identity, runId, Ct);
        return import ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{identity.SourceName} was a duplicate: {duplicate?.Detail}"));
    }
}
