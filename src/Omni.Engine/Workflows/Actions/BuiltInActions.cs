using Omni.Engine.Events;

namespace Omni.Engine.Workflows.Actions;

/// <summary>
/// The built-in action descriptors. Guards return a verdict (<c>{"verdict":"continue"|"stop"|"defer", "reason", "until"}</c>,
/// see <see cref="Running.GuardVerdict"/>); other actions return free-form JSON that later steps read as <c>steps.&lt;id&gt;.output</c>.
/// </summary>
public static class BuiltInActions
{
    private static readonly string[] Matching = ["sender", "conversation"];

    public static ActionDescriptor GuardAllowlist { get; } = new()
    {
        Id = "guard.allowlist",
        Description = "Continues only when the sender (its handle or identity id) or the conversation is in the given handles; stops otherwise.",
        Parameters =
        [
            ParameterDescriptor.TextList("handles", "Handles or identity ids allowed through (e.g. 5511999990001@s.whatsapp.net, +55 11 99999-0001, idn_…).", required: true),
            ParameterDescriptor.Choice("match", "What is compared with the handles.", Matching, defaultValue: "sender"),
        ],
    };

    public static ActionDescriptor GuardDenylist { get; } = new()
    {
        Id = "guard.denylist",
        Description = "Stops when the sender (its handle or identity id) or the conversation is in the given handles; continues otherwise.",
        Parameters =
        [
            ParameterDescriptor.TextList("handles", "Handles or identity ids to stop.", required: true),
            ParameterDescriptor.Choice("match", "What is compared with the handles.", Matching, defaultValue: "sender"),
        ],
    };

    public static ActionDescriptor GuardBlocklist { get; } = new()
    {
        Id = "guard.blocklist",
        Description = "Stops when the sender (its handle or identity id) or the conversation is on the instance's stored contact list (managed through /api/contact-lists, not in the workflow).",
        Parameters =
        [
            ParameterDescriptor.Text("list", "Name of the stored block list.", defaultValue: "blocked"),
        ],
    };

    public static ActionDescriptor GuardSelfRoute { get; } = new()
    {
        Id = "guard.self_route",
        Description = "Handles messages sent by the instance's own account (from_me, including notes in the self chat): ignore stops the run, log continues and records it, reroute continues towards another agent.",
        Parameters =
        [
            ParameterDescriptor.Choice("mode", "What to do with an own message.", ["ignore", "log", "reroute"], defaultValue: "ignore"),
            ParameterDescriptor.Text("reroute_to", "Agent that receives own messages when mode is reroute."),
        ],
    };

    public static ActionDescriptor GuardDebounce { get; } = new()
    {
        Id = "guard.debounce",
        Description = "Coalesces a burst into one run per key: each run waits until `window` after its event, then only the newest event of the burst continues; the others stop.",
        Parameters =
        [
            ParameterDescriptor.Duration("window", "How long after its event a run waits for newer ones before continuing.", required: true),
            ParameterDescriptor.Choice("key", "What shares a window.", Matching, defaultValue: "conversation"),
        ],
    };

    public static ActionDescriptor GuardRateLimit { get; } = new()
    {
        Id = "guard.rate_limit",
        Description = "Allows at most `limit` runs per key and window; beyond that it stops or defers the run until the window has room.",
        Parameters =
        [
            ParameterDescriptor.Choice("per", "What the limit counts.", ["sender", "instance"], defaultValue: "sender"),
            ParameterDescriptor.WholeNumber("limit", "Runs allowed per window.", required: true, minimum: 1, maximum: 10_000),
            ParameterDescriptor.Duration("window", "The counting window.", required: true),
            ParameterDescriptor.Choice("on_exceed", "stop ends the run (skipped); defer waits until the window has room.", ["stop", "defer"], defaultValue: "stop"),
        ],
    };

    public static ActionDescriptor GuardContactOverride { get; } = new()
    {
        Id = "guard.contact_override",
        Description = "Applies a per-contact override (partner, VIP, team) when the sender is in the handles: its output carries the overrides later steps read; never stops.",
        LabelParameter = "label",
        Parameters =
        [
            ParameterDescriptor.Text("label", "The override's label; given by the dotted id form guard.contact_override.<label>.", required: true),
            ParameterDescriptor.TextList("handles", "Handles the override applies to; empty means the stored contacts with this label."),
            ParameterDescriptor.Text("agent", "Agent to use instead of the default for these contacts."),
            ParameterDescriptor.Text("system_prompt", "System prompt to use for these contacts."),
        ],
    };

    public static ActionDescriptor TransformSttAudio { get; } = new()
    {
        Id = "transform.stt.audio",
        Description = "Transcribes the event's audio (voice notes, audio files). Output: {text, language, provider}.",
        Providers = ["groq", "openai", "assemblyai"],
        Parameters =
        [
            ParameterDescriptor.Text("language", "Expected language (ISO 639-1, e.g. pt); detected when absent."),
            ParameterDescriptor.Text("prompt", "Hint for the transcriber (names, jargon)."),
        ],
    };

    public static ActionDescriptor TransformDescribeImage { get; } = new()
    {
        Id = "transform.describe.image",
        Description = "Describes the event's image with a vision model. Output: {text, provider}.",
        Providers = ["qwen-vl", "local", "openai"],
        Parameters =
        [
            ParameterDescriptor.Text("prompt", "Instruction for the vision model.", defaultValue: "Describe this image in one short paragraph."),
            ParameterDescriptor.Text("language", "Language of the description (ISO 639-1)."),
        ],
    };

    public static ActionDescriptor RouteReply { get; } = new()
    {
        Id = "route.reply",
        Description = "Sends a text message back to the event's conversation through its provider.",
        IsSideEffect = true,
        Parameters =
        [
            ParameterDescriptor.Text("text", "The message to send (templates allowed).", required: true),
            ParameterDescriptor.Bool("quote", "Quote the triggering message.", defaultValue: false),
        ],
    };

    public static ActionDescriptor RouteAgentDefault { get; } = new()
    {
        Id = "route.agent.default",
        Description = "Asks an agent for an answer to the event (does not send it). Output: {text, agent}.",
        Parameters =
        [
            ParameterDescriptor.Text("agent", "The agent to ask.", defaultValue: "default"),
            ParameterDescriptor.Text("system_prompt", "System prompt for this workflow."),
            ParameterDescriptor.Text("input", "What the agent is given; the event's text when absent (templates allowed)."),
        ],
    };

    public static ActionDescriptor RouteEscalateHuman { get; } = new()
    {
        Id = "route.escalate.human",
        Description = "Hands the conversation to a human: posts an escalation notice (with the run id and the path that resolves it) to a webhook. Add wait_for: {event: resolved, timeout} to pause the run until the human answers.",
        IsSideEffect = true,
        Parameters =
        [
            ParameterDescriptor.Text("url", "Where the notice is posted (https); Omni:Notify:EscalationUrl when absent."),
            ParameterDescriptor.Text("reason", "Why it is escalated (templates allowed)."),
            ParameterDescriptor.Text("assignee", "Person or team to notify."),
            ParameterDescriptor.Choice("channel", "Where the human is notified.", [Channels.WhatsApp, Channels.Discord, Channels.Telegram, Channels.Slack, Channels.Webhook], defaultValue: Channels.Slack),
        ],
    };

    public static ActionDescriptor RouteForwardCrossChannel { get; } = new()
    {
        Id = "route.forward.cross_channel",
        Description = "Forwards the event (or a text) to a conversation on another channel.",
        IsSideEffect = true,
        Parameters =
        [
            ParameterDescriptor.Choice("channel", "Target channel.", [Channels.WhatsApp, Channels.Discord, Channels.Telegram, Channels.Slack, Channels.Webhook], required: true),
            ParameterDescriptor.Text("to", "Target conversation or handle on that channel.", required: true),
            ParameterDescriptor.Text("text", "Text to send instead of the original content (templates allowed)."),
        ],
    };

    public static ActionDescriptor PersistSummary { get; } = new()
    {
        Id = "persist.summary",
        Description = "Stores a summary of the event's conversation (typically an agent step's output) that agents read with the conversation: its REST views, the agent tools and MCP. The newest event's summary wins; a replayed run changes nothing.",
        Parameters =
        [
            ParameterDescriptor.Text("text", "The summary (templates allowed, e.g. {{ steps.summarize.output.text }}); at most 4,000 characters are kept.", required: true),
        ],
        Outputs =
        [
            new OutputField("conversation_id", OutputType.Text, "The conversation the summary belongs to."),
            new OutputField("stored", OutputType.Boolean, "False when a summary from a newer event was kept instead."),
            new OutputField("truncated", OutputType.Boolean, "True when the text was cut to 4,000 characters."),
            new OutputField("at", OutputType.Text, "When the kept summary was stored (UTC, ISO-8601)."),
        ],
    };

    public static ActionDescriptor PersistTagging { get; } = new()
    {
        Id = "persist.tagging",
        Description = "Adds tags to the event's conversation, its sender's identity or the event itself, queryable with ?tag= on /api/conversations, /api/identities and /api/events. Tags are lower-cased; adding one twice changes nothing.",
        Parameters =
        [
            ParameterDescriptor.TextList("tags", "Tags to add (1-20; each 1-64 of a-z, 0-9, '_', '-', '.', ':'; templates allowed).", required: true),
            ParameterDescriptor.Choice("target", "What is tagged.", ["conversation", "identity", "event"], defaultValue: "conversation"),
        ],
        Outputs =
        [
            new OutputField("target", OutputType.Text, "What was tagged: conversation, identity or event."),
            new OutputField("id", OutputType.Text, "The tagged conversation id, identity id or event id."),
            new OutputField("tags", OutputType.TextList, "The tags, normalized (lower case), in the order given."),
            new OutputField("added", OutputType.WholeNumber, "How many of them were new."),
        ],
    };

    public static ActionDescriptor MetaNotifyWebhook { get; } = new()
    {
        Id = "meta.notify.webhook",
        Description = "POSTs a notification to a URL.",
        IsSideEffect = true,
        Parameters =
        [
            ParameterDescriptor.Text("url", "Where to send it (https).", required: true),
            ParameterDescriptor.Text("body", "Body text (templates allowed); a JSON summary of the event when absent."),
            ParameterDescriptor.Choice("method", "HTTP method.", ["POST", "PUT"], defaultValue: "POST"),
        ],
    };

    public static ActionDescriptor MetaAnalyticsLog { get; } = new()
    {
        Id = "meta.analytics.log",
        Description = "Records one analytics record for the run (name, tags, workflow and version, run, event, instance, the outcome so far and the steps' durations), readable at GET /api/analytics and counted by the omni.analytics.records metric. A replayed run records nothing new.",
        Parameters =
        [
            ParameterDescriptor.Text("name", "Analytics event name (1-64 of a-z, 0-9, '_', '-', '.', ':').", required: true),
            ParameterDescriptor.TextList("tags", "Tags for the record (at most 20; the same rules as persist.tagging)."),
        ],
        Outputs =
        [
            new OutputField("name", OutputType.Text, "The record's name."),
            new OutputField("recorded", OutputType.Boolean, "False when this run's step had recorded it already (a replay)."),
            new OutputField("outcome", OutputType.Text, "The run's outcome so far: completed, or failed when a step before this one failed."),
            new OutputField("at", OutputType.Text, "When the run started (the record's time, UTC, ISO-8601)."),
        ],
    };

    public static IReadOnlyList<ActionDescriptor> All { get; } =
    [
        GuardAllowlist, GuardDenylist, GuardBlocklist, GuardSelfRoute, GuardDebounce, GuardRateLimit, GuardContactOverride,
        TransformSttAudio, TransformDescribeImage,
        RouteReply, RouteAgentDefault, RouteEscalateHuman, RouteForwardCrossChannel,
        PersistSummary, PersistTagging,
        MetaNotifyWebhook, MetaAnalyticsLog,
    ];
}
