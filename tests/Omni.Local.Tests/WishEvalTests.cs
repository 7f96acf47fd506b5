using Omni.Local.Tests.Support;
using Omni.Local.Tests.WishEval;
using Xunit.Abstractions;

namespace Omni.Local.Tests;

/// <summary>
/// The wish evaluation set (tests/TestData/wish-eval; docs/agents.md, "Evaluating wish"): a real Omni.Local seeded with
/// WhatsApp and Discord history, every question asked through <c>POST /api/wish</c>, answers scored by their evidence.
/// In CI the model is scripted (WireMock) and the run proves the harness; <see cref="Eval_ConfiguredModel_PrintsAScoreTable"/>
/// runs against a real model when <c>OMNI_EVAL_ENDPOINT</c>, <c>OMNI_EVAL_API_KEY</c> and <c>OMNI_EVAL_MODEL</c> are set.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class WishEvalTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Eval_ScriptedModel_GoodAnswersScoreCorrect_WrongAndAbstainingAnswersAreCaught()
    {
        var questions = WishEvalData.Questions();
        Assert.True(questions.Count >= 20, $"{questions.Count} questions");
        Assert.Contains(questions, q => q.ExpectAbstain);
        Assert.Equal(questions.Count, questions.Select(q => q.Id).Distinct().Count());

        using var model = new ScriptedModel();
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: WishEvalHarness.Settings(model.Endpoint, "scripted-key", "gpt-scripted"));
        var seeded = await WishEvalHarness.SeedAsync(host, WishEvalData.Dataset());

        // The data is what the questions say: every evidence id is found by the question's own tool calls (re-run
        // without the model), and the abstaining questions marked tools_find_nothing find nothing at all.
        foreach (var question in questions)
        {
            var found = await WishEvalHarness.EvidenceOfPlanAsync(host, OmniHost.AgentKey, question.Script, seeded);
            var missing = (question.Evidence ?? []).Where(e => !found.Contains(seeded.Resolve(e))).ToList();
            Assert.True(missing.Count == 0, $"{question.Id}: its script does not find {string.Join(", ", missing)}");
            Assert.True(!question.ToolsFindNothing || found.Count == 0, $"{question.Id}: its script finds {string.Join(", ", found)}");
        }

        // A good model: the tool calls of each question's script, then it cites the question's evidence (or abstains).
        var good = new List<EvalResult>();
        foreach (var question in questions)
        {
            model.Script(seeded, question.Script, question.ExpectAbstain, question.Evidence ?? [], $"scripted answer to {question.Id}");
            good.Add(await WishEvalHarness.AskAsync(host, OmniHost.AgentKey, question, seeded));
        }

        output.WriteLine(WishEvalHarness.Table("Scripted good model", good));
        Assert.All(good, r => Assert.True(r.Verdict == EvalVerdict.Correct, $"{r.Question.Id}: {r.Verdict} ({r.Why})"));
        Assert.All(good, r => Assert.Equal(r.Question.Script.Count, r.Calls));
        Assert.Equal(questions.Count, good.Sum(r => r.Points));

        // Deliberate mistakes: the scorer must call each one what it is.
        var byId = questions.ToDictionary(q => q.Id);
        var bad = new List<EvalResult>();
        foreach (var mistake in WishEvalData.Mistakes())
        {
            var question = byId[mistake.Question];
            model.Script(seeded, mistake.Script, mistake.Abstain, mistake.Cited, $"scripted mistake on {question.Id}: {mistake.Why}");
            var result = await WishEvalHarness.AskAsync(host, OmniHost.AgentKey, question, seeded);
            bad.Add(result with { Why = $"{result.Why} ({mistake.Why})" });
        }

        output.WriteLine(WishEvalHarness.Table("Scripted mistakes", bad));
        var expected = WishEvalData.Mistakes().Select(m => m.Verdict).ToList();
        Assert.Equal(expected, bad.Select(r => r.Verdict.ToString().ToLowerInvariant()));
        Assert.Contains(bad, r => r.Verdict == EvalVerdict.Wrong);
        Assert.Contains(bad, r => r.Verdict == EvalVerdict.Abstained);
        Assert.True(bad.Sum(r => r.Points) < 0);
    }

    /// <summary>Off unless a model is configured: <c>OMNI_EVAL_ENDPOINT</c> (OpenAI-compatible base URL, e.g. https://api.openai.com/v1), <c>OMNI_EVAL_API_KEY</c>, <c>OMNI_EVAL_MODEL</c>.</summary>
    [ModelEvalFact]
    [Trait("Category", "WishEvalModel")]
    public async Task Eval_ConfiguredModel_PrintsAScoreTable()
    {
        var modelName = Environment.GetEnvironmentVariable("OMNI_EVAL_MODEL")!;
        var settings = WishEvalHarness.Settings(
            Environment.GetEnvironmentVariable("OMNI_EVAL_ENDPOINT")!, Environment.GetEnvironmentVariable("OMNI_EVAL_API_KEY")!, modelName);
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: settings);
        var seeded = await WishEvalHarness.SeedAsync(host, WishEvalData.Dataset());

        var results = new List<EvalResult>();
        foreach (var question in WishEvalData.Questions())
        {
            var result = await WishEvalHarness.AskAsync(host, OmniHost.AgentKey, question, seeded);
            output.WriteLine($"{question.Id} {result.Verdict}: {result.Why} | {result.Answer}");
            results.Add(result);
        }

        var table = WishEvalHarness.Table($"{modelName} ({DateTimeOffset.UtcNow:yyyy-MM-dd})", results);
        output.WriteLine(table);
        Console.WriteLine(table);
        if (Environment.GetEnvironmentVariable("OMNI_EVAL_REPORT") is { Length: > 0 } report)
        {
            await File.WriteAllTextAsync(report, table);
        }
    }
}

/// <summary>A fact that runs only when <c>OMNI_EVAL_ENDPOINT</c>, <c>OMNI_EVAL_API_KEY</c> and <c>OMNI_EVAL_MODEL</c> are all set; skipped otherwise (CI).</summary>
public sealed class ModelEvalFactAttribute : FactAttribute
{
    public ModelEvalFactAttribute()
    {
        string[] required = ["OMNI_EVAL_ENDPOINT", "OMNI_EVAL_API_KEY", "OMNI_EVAL_MODEL"];
        var missing = required.Where(v => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))).ToList();
        if (missing.Count > 0)
        {
            Skip = "set " + string.Join(", ", missing) + " to evaluate wish against a model";
        }
    }
}
