using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Identity;
using Omni.Engine.Json;

namespace Omni.Services.Actions.Guards;

/// <summary>Shared pieces of the guards: verdicts with extra output fields, and the contact parameters (<c>handles</c>, <c>match</c>).</summary>
internal static class GuardOutput
{
    /// <summary>The verdict JSON with more properties (null values are left out), for later steps to read as <c>steps.&lt;id&gt;.output.&lt;name&gt;</c>.</summary>
    public static JsonElement With(JsonElement verdict, params (string Name, object? Value)[] extras)
    {
        var node = JsonNode.Parse(verdict.GetRawText())!.AsObject();
        foreach (var (name, value) in extras)
        {
            if (value is not null)
            {
                node[name] = JsonSerializer.SerializeToNode(value, OmniJson.Options);
            }
        }

        return JsonSerializer.SerializeToElement(node, OmniJson.Options);
    }

    /// <summary>
    /// What a guard read to decide (<see cref="ActionOutcome.State"/>), as a snake_case JSON object; null values are left out.
    /// </summary>
    public static JsonElement State(params (string Name, object? Value)[] read)
    {
        var node = new JsonObject();
        foreach (var (name, value) in read)
        {
            if (value is not null)
            {
                node[name] = JsonSerializer.SerializeToNode(value, OmniJson.Options);
            }
        }

        return JsonSerializer.SerializeToElement(node, OmniJson.Options);
    }

    /// <summary>
    /// The <c>handles</c> parameter in canonical form for <paramref name="channel"/> (<see cref="ContactEntries.Canonical"/>):
    /// a JSON array of strings (a comma-separated string is accepted too). Entries that can be neither a handle nor an
    /// identity id never match and are returned in <c>Ignored</c> for the audit summary. Null when the parameter is absent.
    /// </summary>
    public static (List<string> Entries, List<string> Ignored)? Handles(ActionInvocation invocation, string channel)
    {
        if (invocation.GetElement("handles") is not { } element)
        {
            return null;
        }

        IEnumerable<string?> raw = element.ValueKind switch
        {
            JsonValueKind.Array => element.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()),
            JsonValueKind.String => (element.GetString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
            _ => throw new PermanentActionException($"{invocation.ActionId}: handles must be a list of handles or identity ids."),
        };
        var entries = new List<string>();
        var ignored = new List<string>();
        foreach (var text in raw)
        {
            if (ContactEntries.Canonical(channel, text) is { } canonical)
            {
                if (!entries.Contains(canonical, StringComparer.Ordinal))
                {
                    entries.Add(canonical);
                }
            }
            else if (!string.IsNullOrWhiteSpace(text))
            {
                ignored.Add(text.Trim());
            }
        }

        return (entries, ignored);
    }

    /// <summary>The <c>match</c> parameter: <c>sender</c> (default) or <c>conversation</c>.</summary>
    public static string Match(ActionInvocation invocation)
    {
        var match = invocation.GetString("match") ?? "sender";
        return match is "sender" or "conversation"
            ? match
            : throw new PermanentActionException($"{invocation.ActionId}: match must be sender or conversation, not '{match}'.");
    }

    /// <summary>What the event offers for <paramref name="match"/>: the sender handle and identity id, or the conversation id.</summary>
    public static IReadOnlyList<string> Keys(Omni.Engine.Events.OmniEvent evt, string match) =>
        match == "conversation" ? ContactEntries.ConversationKeys(evt) : ContactEntries.SenderKeys(evt);

    /// <summary>" (ignored N entries that are not handles or identity ids: 'a', 'b')" or "".</summary>
    public static string IgnoredNote(IReadOnlyList<string> ignored) =>
        ignored.Count == 0 ? "" : $" (ignored {ignored.Count} entr{(ignored.Count == 1 ? "y" : "ies")} that are neither handles nor identity ids: {string.Join(", ", ignored.Take(5).Select(i => $"'{i}'"))})";

    /// <summary>Rounds up to a whole millisecond: verdict times travel as JSON with milliseconds, and a timer must never fire before the guard's own time.</summary>
    public static DateTimeOffset CeilingToMillisecond(DateTimeOffset time)
    {
        var remainder = time.UtcTicks % TimeSpan.TicksPerMillisecond;
        return remainder == 0 ? time : time.AddTicks(TimeSpan.TicksPerMillisecond - remainder);
    }
}
