using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions.Guards;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Actions.Safety;

/// <summary>
/// <c>validate.safety</c>: moderates a text a route step is going to send, through an OpenAI-compatible moderation endpoint:
/// <code>
/// POST {Omni:Providers:&lt;provider&gt;:Endpoint}/moderations
/// {"model": "omni-moderation-latest", "input": ["&lt;text&gt;"]}
/// → {"id": "modr-…", "model": "…", "results": [{"flagged": true, "categories": {"harassment": true, "violence": false, …}, "category_scores": {…}}]}
/// </code>
/// Mistral's endpoint answers the same shape without <c>flagged</c>; a true category then counts as flagged.
/// The answer is a verdict, like a guard's: <c>stop</c> when a (blocking) category flagged the text, so the interpreter
/// ends the run before any later route step sends it and the run record keeps the categories; <c>continue</c> otherwise.
/// When every provider fails the step fails, and so does the run: nothing unchecked is sent (fail closed).
/// Output: <c>{"verdict", "reason", "flagged", "categories", "provider"}</c>.
/// Providers: <c>openai</c> (<c>omni-moderation-latest</c>), <c>mistral</c> (<c>mistral-moderation-latest</c>).
/// </summary>
public sealed class SafetyExecutor(IHttpClientFactory clients, OmniOptions options, TimeProvider time) : IActionExecutor
{
    public const string Id = "validate.safety";

    private static readonly Dictionary<string, PublicProvider> Defaults = new(StringComparer.Ordinal)
    {
        ["openai"] = new(ProviderLinks.OpenAi, "omni-moderation-latest"),
        ["mistral"] = new(ProviderLinks.Mistral, "mistral-moderation-latest"),
    };

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var text = invocation.RequireString("text");
        var blocking = invocation.GetElement("categories") is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : null;
        var link = ProviderLinks.Resolve(options, Id, invocation.Provider, Defaults);

        var body = new JsonObject { ["model"] = link.Model, ["input"] = new JsonArray(text) };
        var flaggedBy = await ProviderHttp.PostJsonAsync(clients.CreateClient(ActionHttpClients.ForProvider(link.Name)),
            ProviderHttp.Combine(link.Endpoint, "moderations"), link.ApiKey, body, $"{Id}: {link.Name}", link.Timeout, time, FlaggedCategories,
            cancellationToken);
        var categories = blocking is null ? flaggedBy : flaggedBy.Where(blocking.Contains).ToList();

        if (categories.Count == 0)
        {
            var passed = GuardOutput.With(GuardVerdict.Continue(), ("flagged", false), ("categories", Array.Empty<string>()), ("provider", link.Name));
            var note = flaggedBy.Count == 0 ? "" : $" (flagged {string.Join(", ", flaggedBy)}, none of them blocking)";
            return new ActionOutcome { Output = passed, Provider = link.Name, Summary = $"{link.Name}: {text.Length} chars passed moderation{note}" };
        }

        var reason = $"blocked by {Id} ({link.Name}): flagged for {string.Join(", ", categories)}";
        var output = GuardOutput.With(GuardVerdict.Stop(reason), ("flagged", true), ("categories", categories), ("provider", link.Name));
        return new ActionOutcome { Output = output, Provider = link.Name, Summary = reason };
    }

    /// <summary>The categories that are true in <c>results[0].categories</c>, when the text is flagged (or, without <c>flagged</c> as Mistral answers, when any is true).</summary>
    private static List<string> FlaggedCategories(JsonElement answer)
    {
        var result = answer.GetProperty("results")[0];
        var categories = result.GetProperty("categories").EnumerateObject()
            .Where(c => c.Value.ValueKind == JsonValueKind.True)
            .Select(c => c.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        var flagged = result.TryGetProperty("flagged", out var f) ? f.ValueKind == JsonValueKind.True : categories.Count > 0;
        return !flagged ? [] : categories.Count > 0 ? categories : ["unspecified"];
    }
}
