namespace Omni.Services.Configuration;

/// <summary>
/// Everything Omni reads from configuration, under the <c>Omni</c> section
/// (environment: <c>Omni__Instances__demo__WebhookSecret</c>, <c>Omni__Keys__admin__Secret</c>, ...).
/// </summary>
public sealed class OmniOptions
{
    public const string Section = "Omni";

    /// <summary>Provider connections by instance name (the <c>{instance}</c> of the webhook URL).</summary>
    public Dictionary<string, InstanceOptions> Instances { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Query keys by name; callers present the secret in <c>x-functions-key</c>.</summary>
    public Dictionary<string, QueryKeyOptions> Keys { get; init; } = new(StringComparer.Ordinal);

    public IngestOptions Ingest { get; init; } = new();

    public StorageOptions Storage { get; init; } = new();

    public NormalizerOptions Normalizer { get; init; } = new();

    /// <summary>The reconciliation sweep: archived payloads that never reached the normalizer are enqueued again.</summary>
    public ReconcileOptions Reconcile { get; init; } = new();

    /// <summary>How long operational rows are kept (<c>Omni:Retention:*</c>, docs/operations.md).</summary>
    public RetentionOptions Retention { get; init; } = new();

    public Identity.IdentityOptions Identity { get; init; } = new();
    public HealthOptions Health { get; init; } = new();

    /// <summary>Agents <c>route.agent.default</c> can ask, by name (<c>Omni:Agents:default:Endpoint</c>, ...).</summary>
    public Dictionary<string, AgentOptions> Agents { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Third-party providers actions call, by name: <c>groq</c>, <c>openai</c>, <c>assemblyai</c>, vision models, ...</summary>
    public Dictionary<string, ProviderOptions> Providers { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Outbound notifications (<c>meta.notify.webhook</c>, <c>route.escalate.human</c>).</summary>
    public NotifyOptions Notify { get; init; } = new();
}

public sealed class InstanceOptions
{
    /// <summary>The connection that posts for this instance: <c>evolution</c> (default), <c>discord</c>, <c>telegram</c>, <c>slack</c> or <c>webhook</c>.</summary>
    public string Provider { get; init; } = "evolution";

    /// <summary>
    /// The secret deliveries are checked with: Evolution's <c>x-webhook-secret</c> value (or the HS256 key of its
    /// <c>jwt_key</c> mode); a Standard Webhooks <c>whsec_…</c> secret (Discord relay, generic webhooks); Telegram's
    /// <c>secret_token</c>; Slack's signing secret.
    /// </summary>
    public string? WebhookSecret { get; init; }

    /// <summary>A public key deliveries are verified with (hex Ed25519: Discord's application public key; Standard Webhooks v1a).</summary>
    public string? PublicKey { get; init; }

    /// <summary>The bot token replies and the Discord gateway relay use (Discord, Telegram, Slack). Keep it in Key Vault.</summary>
    public string? BotToken { get; init; }

    /// <summary>
    /// The bot's own user id, so its messages normalize as <c>from_me</c>: Discord (READY's <c>d.user.id</c>), Telegram
    /// (default: the numeric prefix of <see cref="BotToken"/>), Slack. Unset: nothing is <c>from_me</c> for Discord
    /// (own replies then look inbound to workflows).
    /// </summary>
    public string? BotUserId { get; init; }

    /// <summary>Telegram: the bot's username (without <c>@</c>), so an <c>@username</c> mention of it sets <c>mentions_me</c>.</summary>
    public string? BotUsername { get; init; }

    /// <summary>A generic <c>webhook</c> instance's field mapping (JSON Pointers), validated at startup.</summary>
    public Omni.Engine.Normalization.Webhook.WebhookMapping? Mapping { get; init; }

    /// <summary>The provider API's base URL when it is not the public one (tests point it at a stand-in server).</summary>
    public Uri? ApiBaseUrl { get; init; }

    /// <summary>Base URL of the provider's API for outbound calls, e.g. the Evolution server <c>https://evo.example.com</c>.</summary>
    public Uri? ServerUrl { get; init; }

    /// <summary>The key outbound calls present (Evolution: the <c>apikey</c> header).</summary>
    public string? ApiKey { get; init; }

    /// <summary>The instance's name on the Evolution server, when it differs from Omni's instance name.</summary>
    public string? EvolutionInstance { get; init; }

    /// <summary>Longest wait for the provider to answer an outbound send.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>An OpenAI-compatible chat endpoint (<c>POST {Endpoint}/chat/completions</c>).</summary>
public sealed class AgentOptions
{
    /// <summary>Base URL including the version segment, e.g. <c>https://api.openai.com/v1</c>.</summary>
    public Uri? Endpoint { get; init; }

    public string? ApiKey { get; init; }

    public string? Model { get; init; }

    /// <summary>Used when the step gives no <c>system_prompt</c>.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Longest wait for one answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>One third-party API an action calls. Unset values fall back to the provider's documented defaults.</summary>
public sealed class ProviderOptions
{
    /// <summary>Base URL, e.g. <c>https://api.groq.com/openai/v1</c>, <c>https://api.openai.com/v1</c>, <c>https://api.assemblyai.com</c>.</summary>
    public Uri? Endpoint { get; init; }

    public string? ApiKey { get; init; }

    public string? Model { get; init; }

    /// <summary>Longest wait for one request (AssemblyAI: for the whole upload → transcript → poll flow).</summary>
    public TimeSpan? Timeout { get; init; }
}

public sealed class NotifyOptions
{
    /// <summary>When set, every notification carries <c>x-omni-signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>.</summary>
    public string? Secret { get; init; }

    /// <summary>Where <c>route.escalate.human</c> notifies when the step gives no <c>url</c>.</summary>
    public Uri? EscalationUrl { get; init; }

    /// <summary>Allows plain <c>http://</c> targets (local development and tests); otherwise only https is accepted.</summary>
    public bool AllowHttp { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);
}

public sealed class QueryKeyOptions
{
    public string? Secret { get; init; }

    /// <summary>Comma-separated instance names this key may read; empty means all.</summary>
    public string? Instances { get; init; }

    /// <summary>Comma-separated extra rights: <c>raw</c> reads archived payloads unredacted (<c>GET /api/events/{id}/raw</c>); <c>act</c> lets agents start workflow runs (MCP <c>start_workflow</c>, <c>wish</c>).</summary>
    public string? Scopes { get; init; }
}

public sealed class IngestOptions
{
    /// <summary>Largest webhook body accepted; larger answers 413. Default 25 MB.</summary>
    public long MaxBodyBytes { get; init; } = 25L * 1024 * 1024;
}

public sealed class StorageOptions
{
    /// <summary>A connection string (<c>UseDevelopmentStorage=true</c> locally). When empty the service URIs and a managed identity are used.</summary>
    public string? ConnectionString { get; init; }

    public Uri? BlobServiceUri { get; init; }
    public Uri? QueueServiceUri { get; init; }
    public Uri? TableServiceUri { get; init; }

    /// <summary>Client id of a user-assigned managed identity; empty uses the default credential chain.</summary>
    public string? ClientId { get; init; }

    /// <summary>Prefix for every container, queue and table name (lowercase letters and digits); lets tests and benchmarks share one account.</summary>
    public string Prefix { get; init; } = "";
}

public sealed class NormalizerOptions
{
    /// <summary>Deliveries of one queue message before it moves to the poison queue (same as host.json's maxDequeueCount).</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Whether Omni.Local runs its queue consumer (tests switch it off to simulate a crash before normalizing).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Whether Omni.Local's workflow runner runs beside the consumer (when <see cref="Enabled"/>). The benchmark turns it
    /// off to measure the normalizer alone; with it off, <c>workflow-runs</c> fills up until something else drains it.
    /// </summary>
    public bool RunWorkflows { get; init; } = true;

    public int BatchSize { get; init; } = 16;

    /// <summary>
    /// Omni.Local: how long a received message (ingest or workflow-runs) stays invisible. The consumer renews it every
    /// third of this while the message is handled, so a slow message is never delivered twice, and the messages of a
    /// host that was killed come back at most this long after it died.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay before a failed message is delivered again: the Functions queue trigger's <c>visibilityTimeout</c> (host.json).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest pause between polls of an empty queue.</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// <c>Omni:Reconcile</c>: the sweep that finds archived payloads with neither a result (events, the ingest marker, a dead
/// letter) nor a queue message, and enqueues their claim checks again (docs/decisions.md, 20).
/// </summary>
public sealed class ReconcileOptions
{
    /// <summary>
    /// The Functions app's timer schedule (NCRONTAB with seconds): every minute. It must stay a constant (attribute
    /// argument); <see cref="Interval"/>'s default is the same period, and a test checks the two and the docs agree.
    /// </summary>
    public const string FunctionsSchedule = "0 */1 * * * *";

    /// <summary>Whether the sweep runs (Omni.Local also needs <c>Omni:Normalizer:Enabled</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// How far behind the normalizer's progress (now, or the oldest claim check still waiting on the ingest queue, at
    /// this sweep and the previous one) a payload must be before it counts as lost. With sweeps a minute apart a payload
    /// is at least 3 min old when swept: longer than a message's whole retry schedule (4 retry delays of 30 s), so a
    /// payload whose message is merely retrying, lagging or in flight is not enqueued twice.
    /// </summary>
    public TimeSpan After { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How far back a sweep looks. Older payloads are <c>POST /api/replay</c>'s business.</summary>
    public TimeSpan Lookback { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Omni.Local: time between sweeps (the Functions app uses <see cref="FunctionsSchedule"/>, the same period).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Most claim checks one sweep enqueues; the rest wait for the next sweep.</summary>
    public int MaxPerSweep { get; init; } = 1000;
}

public sealed class HealthOptions
{
    /// <summary>Above this many messages waiting on <c>ingest</c>, health answers 503 (a normalizer that is not keeping up). Default 1,000.</summary>
    public int? MaxIngestQueueDepth { get; init; } = 1000;

    /// <summary>Above this many messages waiting on <c>workflow-runs</c>, health answers 503 (runs not starting). Default 1,000.</summary>
    public int? MaxWorkflowRunsQueueDepth { get; init; } = 1000;

    /// <summary>Above this many messages on any poison queue, health answers 503. Default 0: one poisoned message is news.</summary>
    public int? MaxPoisonQueueDepth { get; init; } = 0;

    /// <summary>How long one health result is reused (the route is anonymous; this bounds its storage traffic).</summary>
    public TimeSpan CacheFor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long each storage probe may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Lifetimes of operational data, enforced by the retention cleanup (<c>Retention</c> timer function; Omni.Local's
/// <c>RetentionTimer</c>). A lifetime counts from a row's last change; zero keeps that kind forever. Events, identities,
/// the raw archive and workflows are the product's data and never expire here.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>The Functions timer: hourly, at minute 17 (off the minute the reconciliation sweep also runs).</summary>
    public const string FunctionsSchedule = "0 17 * * * *";

    public bool Enabled { get; init; } = true;

    /// <summary>Omni.Local: time between cleanups (the Functions app uses <see cref="FunctionsSchedule"/>, the same period).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Guard state (rate-limit counters, debounce rows): windows end long before this.</summary>
    public TimeSpan GuardState { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Effect-ledger rows: a step's "sent once" record, needed while its run may still retry it.</summary>
    public TimeSpan Effects { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Completed run records (and their event index rows): the audit behind <c>GET /api/events/{id}/actions</c>. Waiting runs are kept.</summary>
    public TimeSpan Runs { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Dead letters (the archived payload itself stays, and <c>POST /api/replay</c> can still re-run it).</summary>
    public TimeSpan DeadLetters { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Analytics records (<c>meta.analytics.log</c>, table <c>Analytics</c>): what <c>GET /api/analytics</c> reads; the metric is exported as it happens.</summary>
    public TimeSpan Analytics { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Shadow replay jobs (<c>POST /api/workflows/{id}/shadow</c>): a job's blob, counted from its last change (a job still advancing is kept).</summary>
    public TimeSpan ShadowJobs { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Ingest markers: the sweep reads only the last <see cref="ReconcileOptions.Lookback"/>; must be longer than that.</summary>
    public TimeSpan IngestMarkers { get; init; } = TimeSpan.FromDays(2);

    /// <summary>Completed, failed and terminated Durable orchestration instances (Functions host: history and state in the task hub).</summary>
    public TimeSpan DurableInstances { get; init; } = TimeSpan.FromDays(30);
}
