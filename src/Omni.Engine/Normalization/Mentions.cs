using Omni.Engine.Events;

namespace Omni.Engine.Normalization;

/// <summary>
/// The <c>mentions</c> and <c>mentions_me</c> of a message, the same way for every provider: the mentioned handles in
/// order, once each, blanks dropped, null when there are none; <c>mentions_me</c> when one of them is the instance's own
/// account (each normalizer says which handles are its own).
/// </summary>
public static class Mentions
{
    /// <summary>The event with <paramref name="handles"/> as its mentions, and whether <paramref name="isMe"/> holds for one.</summary>
    public static OmniEvent With(OmniEvent e, IEnumerable<string?> handles, Func<string, bool> isMe)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(handles);
        ArgumentNullException.ThrowIfNull(isMe);
        var list = handles.OfType<string>().Where(h => !string.IsNullOrWhiteSpace(h)).Distinct(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? e : e with { Mentions = list, MentionsMe = list.Any(isMe) };
    }
}
