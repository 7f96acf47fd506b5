using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using Omni.Services.Storage;

namespace Omni.Services.Workflows;

/// <summary>Every workflow version in effect: the stored ones plus the seeds the store has no version of, and the catalog built from them.</summary>
public sealed record WorkflowSnapshot(IReadOnlyList<StoredWorkflow> All, WorkflowCatalog Catalog, DateTimeOffset LoadedAt)
{
    /// <summary>All versions of one id, newest first.</summary>
    public IReadOnlyList<StoredWorkflow> Versions(string id) =>
        [.. All.Where(w => w.Definition.Id == id).OrderByDescending(w => w.Definition.Version)];
}

/// <summary>What <see cref="WorkflowStore.AddAsync"/> did.</summary>
public enum WorkflowAddOutcome
{
    Stored,
    VersionNotNewer,
}

/// <summary>
/// Workflow versions in Table Storage (table <c>Workflows</c>: PK = workflow id, RK = version zero-padded to 10 digits;
/// columns Yaml, Scope, CreatedAt). Versions are immutable: a PUT adds a row, never replaces one. The seed playbooks
/// are the defaults: a seed is in effect unless the store holds the same id at an equal or higher version. Reads
/// are served from a snapshot that is at most <see cref="WorkflowOptions.CacheDuration"/> old, so a version stored
/// on another host takes effect within that time, and one stored here at once; no restart.
/// </summary>
public sealed class WorkflowStore : IDisposable
{
    private const int VersionDigits = 10;
    private readonly TableClient _table;
    private readonly WorkflowOptions _options;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<StoredWorkflow> _seeds;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile WorkflowSnapshot? _snapshot;
    private volatile bool _tableReady;
    private int _refreshing;

    public WorkflowStore(OmniStorage storage, WorkflowOptions options, ActionRegistry registry, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _table = storage.Tables.GetTableClient(storage.Names.WorkflowsTable);
        _options = options;
        Registry = registry;
        _time = time;
        _seeds = WorkflowSeeds.Load(WorkflowSeeds.Locate(options.SeedDirectory), registry);
    }

    public ActionRegistry Registry { get; }

    /// <summary>The seed playbooks found at startup.</summary>
    public IReadOnlyList<StoredWorkflow> Seeds => _seeds;

    /// <summary>The workflows in effect, reading the store when the cached snapshot is older than the cache duration.</summary>
    public async Task<WorkflowSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var current = _snapshot;
        return current is not null && !IsStale(current) ? current : await RefreshAsync(cancellationToken);
    }

    /// <summary>
    /// For callers that must answer from memory (the catalogue's trigger index): the cached snapshot, refreshed in the
    /// background when stale; only the very first call waits for the store.
    /// </summary>
    public WorkflowSnapshot Current()
    {
        var current = _snapshot;
        if (current is null)
        {
            return Task.Run(() => RefreshAsync(CancellationToken.None)).GetAwaiter().GetResult();
        }

        if (IsStale(current) && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await RefreshAsync(CancellationToken.None);
                }
                catch (RequestFailedException)
                {
                    // Keep serving the last snapshot; the next read tries again.
                }
                finally
                {
                    Volatile.Write(ref _refreshing, 0);
                }
            });
        }

        return current;
    }

    /// <summary>Stores a new version. It must be newer than every version of the id, stored or seed.</summary>
    public async Task<WorkflowAddOutcome> AddAsync(WorkflowDefinition definition, string yaml, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var snapshot = await RefreshAsync(cancellationToken);
        if (snapshot.Versions(definition.Id) is [var latest, ..] && latest.Definition.Version >= definition.Version)
        {
            return WorkflowAddOutcome.VersionNotNewer;
        }

        await EnsureTableAsync(cancellationToken);
        var entity = new TableEntity(definition.Id, RowKey(definition.Version))
        {
            ["Yaml"] = yaml,
            ["Scope"] = definition.Scope,
            ["CreatedAt"] = _time.GetUtcNow(),
        };
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return WorkflowAddOutcome.VersionNotNewer;
        }

        await RefreshAsync(cancellationToken);
        return WorkflowAddOutcome.Stored;
    }

    public void Dispose() => _gate.Dispose();

    public static string RowKey(int version) => version.ToString(CultureInfo.InvariantCulture).PadLeft(VersionDigits, '0');

    private bool IsStale(WorkflowSnapshot snapshot) => _time.GetUtcNow() - snapshot.LoadedAt >= _options.CacheDuration;

    private async Task<WorkflowSnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureTableAsync(cancellationToken);
            var stored = new List<StoredWorkflow>();
            await foreach (var row in _table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
            {
                // A stored version that no longer validates (an action was removed) is left out rather than breaking every run.
                var yaml = row.GetString("Yaml") ?? "";
                if (WorkflowParser.Parse(yaml, Registry).Definition is { } definition && definition.Id == row.PartitionKey)
                {
                    stored.Add(new StoredWorkflow(definition, yaml, StoredWorkflow.StoreSource, row.GetDateTimeOffset("CreatedAt")));
                }
            }

            var storedVersions = stored.Select(w => (w.Definition.Id, w.Definition.Version)).ToHashSet();
            var all = stored
                .Concat(_seeds.Where(s => !storedVersions.Contains((s.Definition.Id, s.Definition.Version))))
                .OrderBy(w => w.Definition.Id, StringComparer.Ordinal)
                .ThenByDescending(w => w.Definition.Version)
                .ToList();
            var snapshot = new WorkflowSnapshot(all, new WorkflowCatalog(all.Select(w => w.Definition)), _time.GetUtcNow());
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _tableReady = true;
        }
    }
}
