namespace Omni.Engine.Events;

/// <summary>
/// The one rule for a tag (<c>persist.tagging</c>, <c>meta.analytics.log</c>, the <c>?tag=</c> filters): 1 to
/// <see cref="MaxChars"/> of a-z, 0-9, <c>_ - . :</c>, starting with a letter or digit, compared in lower case. Tags go
/// into table keys as they are: none of their characters needs escaping.
/// </summary>
public static class Tags
{
    public const int MaxChars = 64;

    /// <summary>Most tags one step may set.</summary>
    public const int MaxPerStep = 20;

    public const string Rule = "1-64 of a-z, 0-9, '_', '-', '.', ':', starting with a letter or digit";

    /// <summary>The tag in lower case, trimmed; null when it breaks the rule.</summary>
    public static string? Normalize(string? tag)
    {
        var t = tag?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(t) || t.Length > MaxChars || !char.IsAsciiLetterOrDigit(t[0]))
        {
            return null;
        }

        foreach (var c in t)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' or '.' or ':'))
            {
                return null;
            }
        }

        return t;
    }
}
