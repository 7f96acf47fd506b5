namespace Omni.Engine.Conversations;

/// <summary>
/// Whether a message asks something: a question mark (Latin, Spanish, full-width, Arabic) anywhere outside a
/// link, or an opening interrogative in English, Portuguese or Spanish ("who", "quando", "¿"). A pure heuristic: it errs
/// towards "a question" for short interrogatives and ignores question marks inside URLs (<c>?utm=</c>).
/// </summary>
public static class Questions
{
    private static readonly string[] Openers =
    [
        "who", "what", "when", "where", "why", "how", "which", "whose", "can you", "could you", "would you", "will you",
        "do you", "did you", "are you", "is it", "is there", "have you", "should we", "shall we",
        "quem", "qual", "quais", "quando", "onde", "por que", "você pode", "voce pode", "tem como",
        "quién", "quien", "qué", "cuándo", "dónde", "cómo", "puedes",
    ];

    public static bool IsQuestion(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!word.Contains("://", StringComparison.Ordinal) && word.IndexOfAny(['?', '¿', '？', '؟']) >= 0)
            {
                return true;
            }
        }

        var start = text.TrimStart().ToLowerInvariant();
        return Openers.Any(o => start.StartsWith(o, StringComparison.Ordinal) && (start.Length == o.Length || !char.IsLetter(start[o.Length]) || o.EndsWith(' ')));
    }
}
