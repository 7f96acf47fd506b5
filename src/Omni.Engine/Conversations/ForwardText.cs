using System.Globalization;
using Omni.Engine.Events;

namespace Omni.Engine.Conversations;

/// <summary>
/// What <c>route.forward.cross_channel</c> sends (pure). A step's own text is sent as it is. Otherwise the event is
/// forwarded with a header naming who wrote it and where, its text (or caption), and for media a reference to the Omni
/// event instead of the bytes (the receiving channel gets no file; the event, its raw payload and any transcript stay
/// one API call away): <c>[audio, audio/ogg, 23 KB: Omni event evt_…]</c>.
/// </summary>
public static class ForwardText
{
    /// <summary>The text to send, or null when there is nothing to forward (no text, no media, no step text).</summary>
    public static string? Compose(OmniEvent e, string? stepText)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!string.IsNullOrWhiteSpace(stepText))
        {
            return stepText;
        }

        var media = MediaReference(e);
        if (string.IsNullOrWhiteSpace(e.Text) && media is null)
        {
            return null;
        }

        var lines = new List<string> { $"Forwarded from {e.SenderName ?? e.SenderHandle ?? "unknown sender"} on {e.Channel} ({e.Instance}):" };
        if (!string.IsNullOrWhiteSpace(e.Text))
        {
            lines.Add(e.Text);
        }

        if (media is not null)
        {
            lines.Add(media);
        }

        return string.Join('\n', lines);
    }

    private static string? MediaReference(OmniEvent e)
    {
        if (e.MediaMimeType is null && e.MediaFileName is null && !IsMedia(e.ContentType))
        {
            return null;
        }

        var parts = new List<string> { e.ContentType };
        if (e.MediaMimeType is { Length: > 0 } mime)
        {
            parts.Add(mime);
        }

        if (e.MediaFileName is { Length: > 0 } name)
        {
            parts.Add(name);
        }

        if (e.MediaSizeBytes is { } size)
        {
            parts.Add(size >= 1024 ? $"{(size / 1024.0).ToString("0", CultureInfo.InvariantCulture)} KB" : $"{size} B");
        }

        return $"[{string.Join(", ", parts)}: Omni event {e.EventId}]";
    }

    private static bool IsMedia(string contentType) =>
        contentType is ContentTypes.Image or ContentTypes.Audio or ContentTypes.Video or ContentTypes.Document or ContentTypes.Sticker;
}
