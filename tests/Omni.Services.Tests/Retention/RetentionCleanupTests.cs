using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Omni.Services.Configuration;
using Omni.Services.Ingest;
using Omni.Services.Reconcile;
using Omni.Services.Retention;
using Omni.Services.Storage;
using Omni.Services.Workflows;

namespace Omni.Services.Tests.Retention;

/// <summary>
/// One cleanup pass against real tables (Azurite): rows older than their lifetime are gone, younger ones stay, waiting
/// runs stay whatever their age, and a lifetime of zero keeps everything. "Older" is the row's Timestamp as the table
/// service wrote it, so the test writes an old generation, waits, writes a young one, and sets the fake clock so the
/// cutoff falls between the two.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class RetentionCleanupTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);
    private const string Instance = "demo";

    private sealed record Fixture(OmniStorage Storage, WorkflowRunStore Runs, TableClient Guards, TableClient Analytics);

    private async Task<Fixture> StorageAsync()
    {
        var storage = new OmniStorage(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = "r" + Guid.NewGuid().ToString("N")[..10] });
        await storage.EnsureCreatedAsync();
        var runs = new WorkflowRunStore(storage);
        await runs.Table.CreateIfNotExistsAsync();
        var guards = storage.Tables.GetTableClient(storage.Names.GuardsTable);
        await guards.CreateIfNotExistsAsync();
        var analytics = storage.Tables.GetTableClient(storage.Names.AnalyticsTable);
        await analytics.CreateIfNotExistsAsync();
        return new Fixture(storage, runs, guards, analytics);
    }

    private static RetentionCleanup Cleanup(Fixture f, TimeProvider clock, RetentionOptions? retention = null) =>
        new(f.Storage, f.Runs, new OmniOptions
        {
            Instances = { [Instance] = new InstanceOptions() },
            Retention = retention ?? new RetentionOptions
            {
                GuardState = Lifetime, Effects = Lifetime, Runs = Lifetime, DeadLetters = Lifetime, IngestMarkers = Lifetime, Analytics = Lifetime,
                ShadowJobs = Lifetime,
            },
        }, clock, NullLogger<RetentionCleanup>.Instance);

    /// <summary>One row of every kind; the run rows as the run store writes them (run row + the event's index row).</summary>
    private static async Task<DateTimeOffset> WriteGenerationAsync(Fixture f, string tag, DateTimeOffset markerReceivedAt)
    {
        await f.Guards.AddEntityAsync(new TableEntity($"rate|{Instance}|sender|{tag}", "638000000000000000") { ["Count"] = 1L });
        await f.Storage.Effects.AddEntityAsync(new TableEntity($"run_{tag}", "reply") { ["Status"] = "succeeded" });
        await f.Storage.DeadLetters.AddEntityAsync(new TableEntity(Instance, $"letter-{tag}") { ["Reason"] = "bad" });
        await f.Analytics.AddEntityAsync(new TableEntity(Instance, $"0000000000000000001|run_{tag}|log") { ["Name"] = "replied" });
        foreach (var status in new[] { RunStatuses.Completed, RunStatuses.Waiting })
        {
            var runId = $"run_{tag}_{status}";
            await f.Runs.Table.AddEntityAsync(new TableEntity(Instance, runId) { ["Status"] = status, ["EventId"] = $"evt_{tag}_{status}" });
            await f.Runs.Table.AddEntityAsync(new TableEntity(Instance, WorkflowRunStore.EventIndexKey($"evt_{tag}_{status}", runId)));
        }

        var jobs = f.Storage.Blobs.GetBlobContainerClient(f.Storage.Names.ShadowJobsContainer);
        await jobs.CreateIfNotExistsAsync();
        await jobs.UploadBlobAsync($"shj_{tag}.json", BinaryData.FromString("""{"status":"done"}"""));
        var marker = IngestMarkers.EntityFor(new IngestMessage($"ingest-{tag}", "evolution", Instance, $"evolution/{Instance}/{tag}", markerReceivedAt));
        await f.Storage.Events.AddEntityAsync(marker);
        return (await f.Storage.DeadLetters.GetEntityAsync<TableEntity>(Instance, $"letter-{tag}")).Value.Timestamp!.Value;
    }

    private static async Task<List<string>> KeysAsync(TableClient table) =>
        [.. (await table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]).ToListAsync()).Select(e => $"{e.PartitionKey}/{e.RowKey}").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Cleanup_RowsOlderThanTheirLifetimeGone_YoungerAndWaitingRunsStay()
    {
        var f = await StorageAsync();
        var serverNow = DateTimeOffset.UtcNow;
        var oldWritten = await WriteGenerationAsync(f, "old", serverNow - TimeSpan.FromHours(1)); // markers go by the time in their key
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // table Timestamps have 1 s resolution in Azurite at worst
        var youngWritten = await WriteGenerationAsync(f, "young", serverNow + TimeSpan.FromHours(1));
        Assert.True(youngWritten > oldWritten);
        var clock = new FakeTimeProvider(oldWritten + (youngWritten - oldWritten) / 2 + Lifetime);

        var report = await Cleanup(f, clock).RunAsync(CancellationToken.None);

        Assert.Equal(new RetentionReport(GuardRows: 1, Effects: 1, Runs: 1, DeadLetters: 1, IngestMarkers: 1, Analytics: 1, ShadowJobs: 1), report);
        Assert.Equal(["shj_young.json"], await f.Storage.Blobs.GetBlobContainerClient(f.Storage.Names.ShadowJobsContainer).GetBlobsAsync().Select(b => b.Name).ToListAsync());
        Assert.Equal([$"{Instance}/0000000000000000001|run_young|log"], await KeysAsync(f.Analytics));
        Assert.Equal([$"rate|{Instance}|sender|young/638000000000000000"], await KeysAsync(f.Guards));
        Assert.Equal(["run_young/reply"], await KeysAsync(f.Storage.Effects));
        Assert.Equal([$"{Instance}/letter-young"], await KeysAsync(f.Storage.DeadLetters));
        Assert.Equal(
            new[]
            {
                $"{Instance}/evt|evt_old_waiting|run_old_waiting", $"{Instance}/evt|evt_young_completed|run_young_completed",
                $"{Instance}/evt|evt_young_waiting|run_young_waiting", $"{Instance}/run_old_waiting",
                $"{Instance}/run_young_completed", $"{Instance}/run_young_waiting",
            }.Order(StringComparer.Ordinal),
            await KeysAsync(f.Runs.Table));
        var markers = (await KeysAsync(f.Storage.Events)).Where(k => k.Contains("ingest|", StringComparison.Ordinal)).ToList();
        Assert.Equal(IngestMarkers.RowKeyFor(serverNow + TimeSpan.FromHours(1), "ingest-young"), Assert.Single(markers).Split('/', 2)[1]);

        // A second pass finds nothing more.
        Assert.Equal(0, (await Cleanup(f, clock).RunAsync(CancellationToken.None)).Total);
    }

    [Fact]
    public async Task Cleanup_ZeroLifetimes_KeepEverything_AndMarkersOutliveTheSweepsLookback()
    {
        var f = await StorageAsync();
        await WriteGenerationAsync(f, "old", DateTimeOffset.UtcNow - TimeSpan.FromDays(400));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromDays(365));
        var keepAll = new RetentionOptions
        {
            GuardState = TimeSpan.Zero, Effects = TimeSpan.Zero, Runs = TimeSpan.Zero, DeadLetters = TimeSpan.Zero, IngestMarkers = TimeSpan.Zero,
            Analytics = TimeSpan.Zero, ShadowJobs = TimeSpan.Zero,
        };

        Assert.Equal(0, (await Cleanup(f, clock, keepAll).RunAsync(CancellationToken.None)).Total);

        // A marker lifetime shorter than twice the sweep's look-back (1 h) is raised to it: the sweep must still see them.
        var tooShort = new OmniOptions { Retention = new RetentionOptions { IngestMarkers = TimeSpan.FromMinutes(5) } };
        Assert.Equal(TimeSpan.FromHours(2), RetentionCleanup.MarkerLifetime(tooShort));
        Assert.Equal(TimeSpan.FromDays(2), RetentionCleanup.MarkerLifetime(new OmniOptions()));
    }
}
