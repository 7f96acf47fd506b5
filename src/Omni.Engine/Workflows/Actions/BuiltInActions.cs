using Omni.Engine.Events;

namespace Omni.Engine.Workflows.Actions;

/// <summary>
/// The built-in action descriptors. Guards return a verdict (<c>{"verdict":"continue"|"stop"|"defer", "reason", "until"}</c>,
/// see <see cref="Running.GuardVerdict"/>) with their own extra fields; other actions return a JSON object. Each declares
/// its output's fields (<see cref="ActionDescriptor.Outputs"/>): later steps read only those, as <c>steps.&lt;id&gt;.output.&lt;field&gt;</c>.
/// </summary>
public static class BuiltInActions
{
    private static readonly string[] Matching = ["sender", "conversation"];

    /// <summary>Every guard's verdict: continue or stop (a deferral makes the step wait and ask again).</summary>
    private static readonly OutputField Verdict = new("verdict", OutputType.Text, "continue or stop.");

    private static readonly OutputField Reason = new("reason", OutputType.Text, "Why it stopped (or deferred).", Always: false);

    private static readonly OutputField Until = new("until", OutputType.Text, "When a deferred run asks again (UTC ISO-8601).", Always: false);

    private static readonly OutputField Matched = new("matched", OutputType.Text, "The handle, identity id or conversation that matched.", Always: false);

    /// <summary>
    /// What a side effect's output holds instead when its outcome is unknown (the execution died between recording and
    /// sending; not resent): <c>{"effect": "unknown", "reason"}</c>. Every side-effect action declares them.
    /// </summary>
    public static IReadOnlyList<OutputField> EffectUnknown { get; } =
    [
        new("effect", OutputType.Text, "unknown when an earlier execution may or may not have sent it (not resent); absent otherwise.", Always: false),
        new("reason", OutputType.Text, "Why the outcome is unknown.", Always: false),
    ];

    public static ActionDescriptor GuardAllowlist { get; } = new()
    {
        Id = "guard.allowlist",
        Description = "Continues only when the sender (its handle or identity id) or the conversation is in the given handles; stops otherwise.",
        Parameters =
        [
            ParameterDescriptor.TextList("handles", "Handles or identity ids allowed through (e.g. 5511999990001@s.whatsapp.net, +55 11 99999-0001, idn_…).", required: true),
            ParameterDescriptor.Choice("match", "What is compared with the handles.", Matching, defaultValue: "sender"),
        ],
        Outputs = [Verdict, Reason, Matched],
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
        Outputs = [Verdict, Reason, Matched],
    };

    public static ActionDescriptor GuardBlocklist { get; } = new()
    {
        Id = "guard.blocklist",
        Description = "Stops when the sender (its handle or identity id) or the conversation is on the instance's stored contact list (managed through /api/contact-lists, not in the workflow).",
        Parameters =
        [
            ParameterDescriptor.Text("list", "Name of the stored block list.", defaultValue: "blocked"),
        ],
        Outputs = [Verdict, Reason, Matched],
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
        Outputs = [Verdict, Reason],
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
        Outputs =
        [
            Verdict, Reason, Until,
            new OutputField("latest_event_id", OutputType.Text, "When it stops: the newest event of the burst, whose run continues.", Always: false),
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
        Outputs = [Verdict, Reason, Until],
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
        Outputs =
        [
            Verdict,
            new OutputField("label", OutputType.Text, "The override's label."),
            new OutputField("applies", OutputType.Boolean, "True when the sender is in the handles (or on the stored list named by the label)."),
            new OutputField("agent", OutputType.Text, "The step's agent, only when the override applies.", Always: false),
            new OutputField("system_prompt", OutputType.Text, "The step's system prompt, only when the override applies.", Always: false),
            Matched,
        ],
    };

    public static ActionDescriptor TransformSttAudio { get; } = new()
    {
        Id = "transform.stt.audio",
        Description = "Transcribes the event's audio (voice notes, audio files). Output: {text, language}; the provider that answered is steps.<id>.provider.",
        Providers = ["groq", "openai", "assemblyai"],
        Parameters =
        [
            ParameterDescriptor.Text("language", "Expected language (ISO 639-1, e.g. pt); detected when absent."),
            ParameterDescriptor.Text("prompt", "Hint for the transcriber (names, jargon)."),
        ],
        Outputs =
        [
            new OutputField("text", OutputType.Text, "The transcript."),
            new OutputField("language", OutputType.Text, "The detected language, else the one asked for; absent when neither is known.", Always: false),
        ],
    };

    public static ActionDescriptor TransformDescribeImage { get; } = new()
    {
        Id = "transform.describe.image",
        Description = "Describes the event's image with a vision model. Output: {text}.",
        Providers = ["qwen-vl", "local", "openai"],
        Parameters =
        [
            ParameterDescriptor.Text("prompt", "Instruction for the vision model.", defaultValue: "Describe this image in one short paragraph."),
            ParameterDescriptor.Text("language", "Language of the description (ISO 639-1)."),
        ],
        Outputs = [new OutputField("text", OutputType.Text, "The description.")],
    };

    public static ActionDescriptor TransformTranslate { get; } = new()
    {
        Id = "transform.translate",
        Description = "Translates the event's text (or `text`) into the language `to` with an OpenAI-compatible chat model. Output: {text, source_language, provider}.",
        Providers = ["openai", "groq", "local"],
        Parameters =
        [
            ParameterDescriptor.Text("to", "Target language, an ISO 639-1 code (e.g. en, pt); templates allowed.", required: true),
            ParameterDescriptor.Text("text", "What to translate (templates allowed); the event's text when absent."),
            ParameterDescriptor.Text("from", "Source language (ISO 639-1) when known; detected otherwise."),
        ],
        Outputs =
        [
            new OutputField("text", OutputType.Text, "The translation."),
            new OutputField("source_language", OutputType.Text, "The source language (ISO 639-1) as given or detected; absent when the model could not tell.", Always: false),
            new OutputField("provider", OutputType.Text, "The provider link that translated."),
        ],
        CheckParameters = values => LanguageCodes(values, "to", "from"),
    };

    public static ActionDescriptor TransformDescribeVideo { get; } = new()
    {
        Id = "transform.describe.video",
        Description = "Describes the event's video with a video-capable model: the whole video is sent (OpenAI-compatible `video_url` part) and the provider samples its frames. Output: {text, provider}.",
        Providers = ["qwen-vl", "local"],
        Parameters =
        [
            ParameterDescriptor.Text("prompt", "Instruction for the model.", defaultValue: "Describe this video in one short paragraph."),
            ParameterDescriptor.Text("language", "Language of the description (ISO 639-1)."),
        ],
        Outputs =
        [
            new OutputField("text", OutputType.Text, "The description."),
            new OutputField("provider", OutputType.Text, "The provider link that described it."),
        ],
        CheckParameters = values => LanguageCodes(values, "language"),
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
        Outputs =
        [
            new OutputField("message_id", OutputType.Text, "The provider's id of the sent message; null when the provider gives none.", Always: false),
            new OutputField("recipient", OutputType.Text, "The conversation it was sent to."),
            new OutputField("status", OutputType.Text, "The provider's delivery status."),
            .. EffectUnknown,
        ],
    };

    public static ActionDescriptor RouteAgentDefault { get; } = new()
    {
        Id = "route.agent.default",
        Description = "Asks an agent for an answer to the event (does not send it). Output: {text, agent, model, history}.",
        Parameters =
        [
            ParameterDescriptor.Text("agent", "The agent to ask.", defaultValue: "default"),
            ParameterDescriptor.Text("system_prompt", "System prompt for this workflow."),
            ParameterDescriptor.Text("input", "What the agent is given; the event's text when absent (templates allowed)."),
            ParameterDescriptor.WholeNumber("history", "Opt-in: how many of the sender's most recent earlier messages, on every channel and instance (their identity timeline), the agent is given as context; 0 gives none.",
                defaultValue: 0, minimum: 0, maximum: 50),
        ],
        Outputs =
        [
            new OutputField("text", OutputType.Text, "The agent's answer."),
            new OutputField("agent", OutputType.Text, "The agent that answered."),
            new OutputField("model", OutputType.Text, "The model that answered."),
            new OutputField("history", OutputType.WholeNumber, "How many of the person's earlier messages (every channel) the agent was given; 0 unless the history parameter asks for them."),
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
        Outputs =
        [
            new OutputField("waiting_for", OutputType.Text, "The external event that resolves the escalation (resolved)."),
            new OutputField("notified", OutputType.Text, "Where the notice went (the URL without its query)."),
            new OutputField("status_code", OutputType.WholeNumber, "The webhook's HTTP status."),
            .. EffectUnknown,
        ],
    };

    public static ActionDescriptor RouteForwardCrossChannel { get; } = new()
    {
        Id = "route.forward.cross_channel",
        Description = "Forwards the event (its text; media by reference to the Omni event) to a conversation on another instance (instance + to), " +
                      "or to a person's preferred channel (identity: an identity id, or sender for the event's own sender). Effect-once. " +
                      "Output: {message_id, instance, provider, channel, conversation_id, identity_id, status}.",
        IsSideEffect = true,
        Parameters =
        [
            ParameterDescriptor.Text("instance", "Target instance (any configured one: its provider sends it); with to. Not with identity."),
            ParameterDescriptor.Text("to", "Target conversation on that instance: a Telegram chat id, a Slack or Discord channel id, a WhatsApp JID or phone number."),
            ParameterDescriptor.Text("identity", "Instead of instance + to: an identity id (idn_…) or sender; sent to that person's preferred channel (explicit, else the most recent two-way exchange)."),
            ParameterDescriptor.Text("text", "Text to send instead of the event's own text (templates allowed); a media event without it forwards its caption and a reference to the event."),
        ],
        Outputs =
        [
            new OutputField("message_id", OutputType.Text, "The provider's id of the forwarded message (when it gives one).", Always: false),
            new OutputField("instance", OutputType.Text, "The instance it was sent through."),
            new OutputField("provider", OutputType.Text, "That instance's provider."),
            new OutputField("channel", OutputType.Text, "That instance's channel."),
            new OutputField("conversation_id", OutputType.Text, "The conversation it was sent to."),
            new OutputField("identity_id", OutputType.Text, "The person it was sent to, when addressed by identity.", Always: false),
            new OutputField("status", OutputType.Text, "The provider's delivery status (when it gives one).", Always: false),
            .. EffectUnknown,
        ],
    };

    public static ActionDescriptor ValidateSafety { get; } = new()
    {
        Id = "validate.safety",
        Description = "Checks a text a route step is going to send (e.g. an agent's answer) with an OpenAI-compatible moderation endpoint; a flagged text blocks the run before any later route step sends it, and the flagging categories are recorded. Output: {verdict, reason, flagged, categories, provider}.",
        Providers = ["openai", "mistral"],
        Parameters =
        [
            ParameterDescriptor.Text("text", "The text to check (templates allowed), e.g. {{ steps.ask-agent.output.text }}.", required: true),
            ParameterDescriptor.TextList("categories", "Only these moderation categories block (e.g. harassment, self-harm); any flagged category when absent."),
        ],
        Outputs =
        [
            new OutputField("verdict", OutputType.Text, "continue, or stop when the text is blocked."),
            new OutputField("reason", OutputType.Text, "Why it was blocked.", Always: false),
            new OutputField("flagged", OutputType.Boolean, "True when the text is blocked."),
            new OutputField("categories", OutputType.TextList, "The moderation categories that flagged the text (those that block, when `categories` is given)."),
            new OutputField("provider", OutputType.Text, "The provider link that moderated."),
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
        Outputs =
        [
            new OutputField("status_code", OutputType.WholeNumber, "The webhook's HTTP status."),
            new OutputField("url", OutputType.Text, "Where it was sent (the URL without its query)."),
            .. EffectUnknown,
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

    public static ActionDescriptor WorkflowSmartDecision { get; } = new()
    {
        Id = "workflow.smart_decision",
        Description = "Asks an agent to pick one of the declared branches, with a schema-constrained answer (an enum of the branch names); the declared fallback branch when the agent fails or answers outside them. Later steps read steps.<id>.output.branch. Output: {branch, reason, provider, fell_back}.",
        Parameters =
        [
            ParameterDescriptor.TextList("branches", "At least two branches, each 'name' or 'name: when to take it' (names [a-z][a-z0-9_-]*).", required: true),
            ParameterDescriptor.Text("fallback", "The branch taken when the agent fails or answers outside the branches; one of them.", required: true),
            ParameterDescriptor.Text("agent", "The agent that decides (Omni:Agents:<agent>).", defaultValue: "default"),
            ParameterDescriptor.Text("input", "What the decision is about (templates allowed); the event's text when absent."),
            ParameterDescriptor.Text("instructions", "Extra guidance for the decision (templates allowed)."),
        ],
        Outputs =
        [
            new OutputField("branch", OutputType.Text, "The chosen branch: one of the declared names."),
            new OutputField("reason", OutputType.Text, "The agent's one-line reason, or why the fallback was taken."),
            new OutputField("provider", OutputType.Text, "The agent that decided."),
            new OutputField("fell_back", OutputType.Boolean, "True when the fallback branch was taken because the agent failed or answered outside the branches."),
        ],
        CheckParameters = SmartDecisionBranches.Check,
    };

    public static IReadOnlyList<ActionDescriptor> All { get; } =
    [
        GuardAllowlist, GuardDenylist, GuardBlocklist, GuardSelfRoute, GuardDebounce, GuardRateLimit, GuardContactOverride,
        TransformSttAudio, TransformDescribeImage, TransformDescribeVideo, TransformTranslate,
        RouteReply, RouteAgentDefault, RouteEscalateHuman, RouteForwardCrossChannel,
        ValidateSafety,
        PersistSummary, PersistTagging,
        MetaNotifyWebhook, MetaAnalyticsLog,
        WorkflowSmartDecision,
    ];

    /// <summary>Literal values of the named parameters that are not ISO 639-1 codes (two lower-case letters); templates are checked at run time.</summary>
    private static IEnumerable<ParameterProblem> LanguageCodes(IReadOnlyList<ParameterValue> values, params string[] names) =>
        values.Where(v => names.Contains(v.Name) && ParameterLiterals.Text(v) is { } code && !LanguageCode.IsValid(code))
            .Select(v => new ParameterProblem(v.Name, $"parameter '{v.Name}' must be an ISO 639-1 language code (two lower-case letters, e.g. en, pt), not '{ParameterLiterals.Text(v)}'"));
}
