namespace Omni.Engine.Workflows.Actions;

/// <summary>ISO 639-1 language codes as action parameters take them (<c>to: pt</c>, <c>language: en</c>).</summary>
public static class LanguageCode
{
    /// <summary>Two lower-case ASCII letters. (Whether the pair is an assigned code is the model's business.)</summary>
    public static bool IsValid(string? code) => code is { Length: 2 } && code.All(char.IsAsciiLetterLower);
}
