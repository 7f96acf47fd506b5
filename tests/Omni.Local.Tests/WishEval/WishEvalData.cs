using System.Text.Json;
using System.Text.Json.Serialization;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests.WishEval;

/// <summary>The evaluation set's files in tests/TestData/wish-eval: the seeded history, the questions, the deliberate mistakes.</summary>
public static class WishEvalData
{
    public static string Directory { get; } = Path.Combine(Fixtures.RepositoryRoot, "tests", "TestData", "wish-eval");

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static EvalDataset Dataset() => Read<EvalDataset>("dataset.json");

    public static IReadOnlyList<EvalQuestion> Questions() => Read<EvalQuestionSet>("questions.json").Questions;

    public static IReadOnlyList<EvalMistake> Mistakes() => Read<EvalMistakeSet>("scripted-mistakes.json").Mistakes;

    private static T Read<T>(string file) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(Directory, file)), Options)
        ?? throw new InvalidDataException($"{file} is empty");
}

public sealed record EvalDataset(
    string? Description, IReadOnlyList<EvalPerson> People, IReadOnlyList<EvalConversation> Conversations,
    IReadOnlyList<EvalLink> Links, IReadOnlyList<EvalMessage> Messages);

public sealed record EvalPerson(string Key, string Name, string? Whatsapp = null, string? Discord = null, string? DiscordUsername = null);

/// <summary>A WhatsApp chat <see cref="With"/> one person (its id is their JID), or a Discord channel by <see cref="Id"/> (in <see cref="Guild"/> when not a DM).</summary>
public sealed record EvalConversation(string Key, string Channel, string? With = null, string? Id = null, string? Guild = null);

/// <summary>After ingest, the <see cref="Add"/> handle of <see cref="Person"/> is linked to their identity on <see cref="IdentityOf"/>.</summary>
public sealed record EvalLink(string Person, string IdentityOf, string Add);

/// <summary>One message; <see cref="From"/> is a person's key or <c>me</c>.</summary>
public sealed record EvalMessage(string Key, string Conversation, string From, double HoursAgo, string Text);

public sealed record EvalQuestionSet(string? Description, IReadOnlyList<EvalQuestion> Questions);

public sealed record EvalQuestion(
    string Id, string Text, string Expect, IReadOnlyList<EvalToolStep> Script,
    IReadOnlyList<string>? Evidence = null, IReadOnlyList<string>? MustNotCite = null, bool ToolsFindNothing = false)
{
    public bool ExpectAbstain => Expect == "abstain";
}

public sealed record EvalToolStep(string Tool, JsonElement Arguments);

public sealed record EvalMistakeSet(string? Description, IReadOnlyList<EvalMistake> Mistakes);

public sealed record EvalMistake(string Question, string Why, string Verdict, IReadOnlyList<EvalToolStep> Script, bool Abstain, IReadOnlyList<string> Cited);
