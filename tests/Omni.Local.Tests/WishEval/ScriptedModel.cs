using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests.WishEval;

/// <summary>WireMock as the wish's model, at the OpenAI chat-completions tool-calling shape: one tool call per round, then the final answer.</summary>
public sealed class ScriptedModel : IDisposable
{
    private const string Completions = "/v1/chat/completions";
    private readonly WireMockServer _server = WireMockServer.Start();

    public string Endpoint => _server.Urls[0] + "/v1";

    /// <summary>Replaces the script: each tool call (arguments with references filled in), then <c>{"answer", "abstain", "reason", "cited"}</c>.</summary>
    public void Script(SeededDataset seeded, IReadOnlyList<EvalToolStep> calls, bool abstain, IEnumerable<string> cited, string answer)
    {
        _server.Reset();
        var bodies = calls.Select((c, i) => ToolCall($"call_{i + 1}", c.Tool, seeded.Fill(c.Arguments.GetRawText()))).ToList();
        bodies.Add(Answer(JsonSerializer.Serialize(new
        {
            answer = abstain ? null : answer,
            abstain,
            reason = abstain ? "the history I can read does not answer this" : null,
            cited = abstain ? [] : cited.Select(seeded.Resolve).ToArray(),
        })));
        for (var i = 0; i < bodies.Count; i++)
        {
            var step = _server.Given(Request.Create().WithPath(Completions).UsingPost()).InScenario("eval");
            step = i == 0 ? step.WhenStateIs(null!) : step.WhenStateIs($"round{i}");
            step.WillSetStateTo($"round{i + 1}").RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(bodies[i]));
        }
    }

    public void Dispose() => _server.Stop();

    private static string ToolCall(string id, string tool, string arguments) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-" + id,
        @object = "chat.completion",
        created = 1764000000,
        model = "gpt-scripted",
        choices = new[]
        {
            new
            {
                index = 0,
                message = new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id, type = "function", function = new { name = tool, arguments } } } },
                finish_reason = "tool_calls",
            },
        },
        usage = new { prompt_tokens = 100, completion_tokens = 20, total_tokens = 120 },
    });

    private static string Answer(string content) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-final",
        @object = "chat.completion",
        created = 1764000000,
        model = "gpt-scripted",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 100, completion_tokens = 20, total_tokens = 120 },
    });
}
