using System.Text.RegularExpressions;

namespace Omni.Services.Actions;

/// <summary>
/// A check a provider's result must pass before a chain accepts it: null when it passes, else why not. A failed check
/// moves the chain to the next provider, like a failure.
/// </summary>
public delegate string? ResultCheck(ActionOutcome outcome);

/// <summary>The built-in checks and which actions use them by default.</summary>
public static partial class ResultChecks
{
    /// <summary>The result's <c>text</c> has at least one non-space character.</summary>
    public static ResultCheck NonEmptyText { get; } = outcome =>
        string.IsNullOrWhiteSpace(outcome.OutputString("text")) ? "the result text is empty" : null;

    /// <summary>
    /// A transcription is speech, not a chat answer: rejects texts that open like an assistant talking about itself or the
    /// request ("As an AI language model…", "I'm sorry, but I can't…", "Sure! Here is the transcription…") — what a
    /// misrouted chat model or a prompt-following transcriber returns instead of the words spoken.
    /// </summary>
    public static ResultCheck NotAssistantReply { get; } = outcome =>
        outcome.OutputString("text") is { } text && AssistantReply().IsMatch(text.TrimStart())
            ? "the result reads like an assistant's reply, not a transcription"
            : null;

    /// <summary>Checks applied when a chain runs <paramref name="actionId"/> and the step names none.</summary>
    public static IReadOnlyList<ResultCheck> DefaultsFor(string actionId) => actionId switch
    {
        "transform.stt.audio" => [NonEmptyText, NotAssistantReply],
        "transform.describe.image" or "transform.describe.video" or "transform.translate" or "route.agent.default" => [NonEmptyText],
        _ => [],
    };

    [GeneratedRegex(
        @"^(as an ai\b|as a (large )?language model|i('| a)m (just )?an ai\b|i('| a)m sorry,? (but )?i (can(no|')t|am unable|'m unable)|" +
        @"i (can(no|')t|am unable to|'m unable to) (transcribe|listen|hear|process (the )?audio)|" +
        @"(sure|certainly|of course)[!,.]? here('s| is) (the|a|your) (transcript|transcription))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex AssistantReply();
}
