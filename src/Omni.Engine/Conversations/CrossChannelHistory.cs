using System.Globalization;
using System.Text;
using Omni.Engine.Events;

namespace Omni.Engine.Conversations;

/// <summary>
/// The context message <c>route.agent.default</c> gives an agent when a step asks for the person's history (pure): one
/// line per message, oldest first, with its time, channel and instance, so the agent sees one person across channels.
/// </summary>
public static class CrossChannelHistory
{
    public static string Format(IReadOnlyList<OmniEvent> history, int maxTextChars)
    {
        ArgumentNullException.ThrowIfNull(history);
        var text = new StringBuilder("Earlier messages from this person, on every channel (oldest first):");
        foreach (var e in history)
        {
            var body = e.Text ?? $"[{e.ContentType}]";
            if (body.Length > maxTextChars)
            {
                body = body[..maxTextChars] + "…";
            }

            text.Append('\n').Append('[')
                .Append((e.OccurredAt ?? e.ReceivedAt).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture))
                .Append(' ').Append(e.Channel).Append('/').Append(e.Instance).Append("] ")
                .Append(body.ReplaceLineEndings(" "));
        }

        return text.ToString();
    }
}
