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
            ParameterDescriptor.WholeNumber("history", "Opt-in: how many of the sender's most recent earlier messages, on every channel and instance (their identity timeline), the agent is given as context; 0 gives none.",
                defaultValue: 0, minimum: 0, maximum: 50),
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
        ],
    };

    public static ActionDescriptor PersistTagging { get; } = new()
    {
        Id = "persist.tagging",
        Description = "Adds tags to the conversation, identity or event.",
        Parameters =
        [
            ParameterDescriptor.TextList("tags", "Tags to add.", required: true),
            ParameterDescriptor.Choice("target", "What is tagged.", ["conversation", "identity", "event"], defaultValue: "conversation"),
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
        Description = "Records an analytics event for the run.",
        Parameters =
        [
            ParameterDescriptor.Text("name", "Analytics event name.", required: true),
            ParameterDescriptor.TextList("tags", "Tags for the record."),
        ],
    };

    public static IReadOnlyList<ActionDescriptor> All { get; } =
    [
        GuardAllowlist, GuardDenylist, GuardBlocklist, GuardSelfRoute, GuardDebounce, GuardRateLimit, GuardContactOverride,
        TransformSttAudio, TransformDescribeImage,
        RouteReply, RouteAgentDefault, RouteEscalateHuman, RouteForwardCrossChannel,
        PersistTagging,
        MetaNotifyWebhook, MetaAnalyticsLog,
    ];
}
