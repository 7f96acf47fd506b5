using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Omni.Engine.Workflows.Actions;
using Omni.Services.Actions.Agents;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Actions.Text;

/// <summary>
/// <c>transform.translate</c>: translates the event's text (or the <c>text</c> parameter) into <c>to</c> with an
/// OpenAI-compatible chat model, asking for a schema-constrained answer that also names the source language:
/// <code>
/// POST {Omni:Providers:&lt;provider&gt;:Endpoint}/chat/completions
/// {"model": "...", "messages": [{"role": "system", "content": "Translate ... into 'en' ..."}, {"role": "user", "content": "&lt;text&gt;"}],
///  "response_format": {"type": "json_schema", "json_schema": {"name": "translation", "strict": true,
///    "schema": {"type": "object", "properties": {"text": ..., "source_language": ...}, "required": [...], "additionalProperties": false}}}}
/// → {"choices": [{"message": {"content": "{\"text\": \"...\", \"source_language\": \"pt\"}"}}]}
/// </code>
/// Output: <c>{"text", "source_language", "provider"}</c>. Providers: <c>openai</c> (default endpoint and <c>gpt-4o-mini</c>),
/// <c>groq</c> (default endpoint and <c>llama-3.3-70b-versatile</c>), <c>local</c> (any configured OpenAI-compatible endpoint).
/// An answer that is not the requested JSON, or an empty translation, fails the link (the chain moves on).
/// </summary>
public sealed class TranslateExecutor(IHttpClientFactory clients, OmniOptions options, TimeProvider time) : IActionExecutor
{
    public const string Id = "transform.translate";

    private static readonly Dictionary<string, PublicProvider> Defaults = new(StringComparer.Ordinal)
    {
        ["openai"] = new(ProviderLinks.OpenAi, "gpt-4o-mini"),
        ["groq"] = new(ProviderLinks.Groq, "llama-3.3-70b-versatile"),
    };

    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {"type": "object",
         "properties": {
           "text": {"type": "string", "description": "The translation, and nothing else."},
           "source_language": {"type": "string", "description": "ISO 639-1 code of the original text's language; empty when unknown."}},
         "required": ["text", "source_language"],
         "additionalProperties": false}
        """).RootElement.Clone();

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var to = invocation.RequireString("to").Trim();
        if (!LanguageCode.IsValid(to))
        {
            throw new PermanentActionException($"{Id}: 'to' must be an ISO 639-1 language code (two lower-case letters), not '{to}'.");
        }

        var from = invocation.GetString("from")?.Trim();
        if (from is not null && !LanguageCode.IsValid(from))
        {
            throw new PermanentActionException($"{Id}: 'from' must be an ISO 639-1 language code (two lower-case letters), not '{from}'.");
        }

        var text = invocation.GetString("text") ?? invocation.Event.Text;
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new PermanentActionException($"{Id}: nothing to translate: the event has no text and the step gives no text.");
        }

        var link = ProviderLinks.Resolve(options, Id, invocation.Provider, Defaults);
        var system = $"You are a translator. Translate the user's message into the language with ISO 639-1 code '{to}'"
                     + (from is null ? "" : $" from the language with code '{from}'")
                     + ". Keep names, numbers, links and emoji as they are; do not answer or comment on the message. "
                     + "Reply with JSON: text is the translation only; source_language is the ISO 639-1 code of the message's language.";
        using var chat = OpenAiChat.CreateClient(clients.CreateClient(ActionHttpClients.ForProvider(link.Name)), link.Endpoint, link.ApiKey, link.Model, link.Timeout);
        var response = await OpenAiChat.GetResponseAsync(chat, [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, text)],
            OpenAiChat.JsonSchemaOptions(link.Model, "translation", Schema), $"{Id}: {link.Name}", link.Timeout, time, cancellationToken);

        if (OpenAiChat.JsonAnswer(response) is not { } answer
            || !answer.TryGetProperty("text", out var translated) || translated.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(translated.GetString()))
        {
            throw new PermanentActionException($"{Id}: {link.Name} did not answer with a translation in the requested JSON (finish reason: {response.FinishReason?.Value ?? "none"}).");
        }

        var detected = answer.TryGetProperty("source_language", out var language) && language.ValueKind == JsonValueKind.String
            ? language.GetString()?.Trim()
            : null;
        var source = from ?? (LanguageCode.IsValid(detected) ? detected : null);
        var output = new JsonObject { ["text"] = translated.GetString(), ["provider"] = link.Name };
        if (source is not null)
        {
            output["source_language"] = source;
        }

        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(output),
            Provider = link.Name,
            Summary = $"{link.Name} translated {text.Length} chars {source ?? "?"} → {to}",
        };
    }
}
