namespace Omni.Services.Storage;

/// <summary>The names of every container, queue and table Omni uses, with the configured prefix applied.</summary>
public sealed class StorageNames(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>Raw webhook bodies, unchanged: <c>{provider}/{instance}/yyyy/MM/dd/HH/{ingest_id}</c>.</summary>
    public string RawContainer => Prefix + "raw";

    /// <summary>Event bodies too large for a table entity.</summary>
    public string OversizeContainer => Prefix + "events-oversize";

    /// <summary>Shadow replay jobs, one JSON blob each (<c>Workflows/Shadow/ShadowJobs</c>), deleted by retention.</summary>
    public string ShadowJobsContainer => Prefix + "shadow-jobs";

    /// <summary>Claim-check messages pointing at raw blobs.</summary>
    public string IngestQueue => Prefix + "ingest";

    /// <summary>Where a message goes after <c>MaxDequeueCount</c> failed deliveries (the Functions convention).</summary>
    public string IngestPoisonQueue => IngestQueue + "-poison";

    public string EventsTable => Prefix + "Events";

    public string DeadLettersTable => Prefix + "DeadLetters";

    /// <summary>Identity profiles and, in each identity's partition, the handles it owns (an index of <see cref="IdentityHandlesTable"/>).</summary>
    public string IdentitiesTable => Prefix + "Identities";

    /// <summary>Handle ownership, keyed by channel and handle: the one place that says which identity a handle belongs to.</summary>
    public string IdentityHandlesTable => Prefix + "IdentityHandles";

    /// <summary>Append-only history of links, merges and unmerges, with their evidence.</summary>
    public string IdentityLinksTable => Prefix + "IdentityLinks";

    /// <summary>The effect-once ledger of side-effect actions, keyed by (run id, step id).</summary>
    public string EffectsTable => Prefix + "Effects";

    /// <summary>Stored workflow versions (immutable): PK = workflow id, RK = zero-padded version.</summary>
    public string WorkflowsTable => Prefix + "Workflows";

    /// <summary>Guard state: rate-limit counters per key and window (with the runs they counted), debounce's newest event per key.</summary>
    public string GuardsTable => Prefix + "Guards";

    /// <summary>Analytics records of <c>meta.analytics.log</c>: PK = instance, RK = <c>{newest-first run start}|{run id}|{step id}</c>.</summary>
    public string AnalyticsTable => Prefix + "Analytics";

    /// <summary>Stored contact lists per instance (<c>blocked</c>, <c>vip</c>, ...): PK = <c>{instance}|{list}</c>, RK = the canonical entry.</summary>
    public string ContactListsTable => Prefix + "ContactLists";

    /// <summary>Offline workflow runs: run rows (PK = instance, RK = run id), the event → runs index, waits by conversation, and due timers.</summary>
    public string WorkflowRunsTable => Prefix + "WorkflowRuns";

    /// <summary>New events for the workflow runner: <c>{"instance", "event_id"}</c>, Base64 like the ingest queue.</summary>
    public string WorkflowRunsQueue => Prefix + "workflow-runs";

    /// <summary>Run messages whose runs failed to start <c>MaxDequeueCount</c> times (the Functions convention, like <see cref="IngestPoisonQueue"/>).</summary>
    public string WorkflowRunsPoisonQueue => WorkflowRunsQueue + "-poison";
}
