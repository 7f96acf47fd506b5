namespace Omni.Services.Connections;

/// <summary>
/// Text fitted to a provider's longest message, which refuses anything longer outright (Discord 2,000 characters,
/// Telegram 4,096, Slack 40,000): an agent's long answer is sent cut, ending in "…", rather than not at all, and the
/// sender reports it (<c>sent_cut</c>). Lengths are UTF-16 code units, as those providers count; a surrogate pair is
/// never split. Pure.
/// </summary>
public static class MessageLength
{
    public static (string Text, bool Cut) Fit(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 2);
        if (text.Length <= maxChars)
        {
            return (text, false);
        }

        var end = maxChars - 1;
        if (char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        return (text[..end] + "…", true);
    }
}
