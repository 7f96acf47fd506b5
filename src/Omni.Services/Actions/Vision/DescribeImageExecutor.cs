using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Omni.Services.Actions.Agents;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Actions.Vision;

/// <summary>
/// <c>transform.describe.image</c>: describes the event's image with an OpenAI-compatible vision model, through
/// Microsoft.Extensions.AI. The image comes from <see cref="MediaFetcher"/> (media_url, the raw archive, or Evolution) and is sent inline as a data URI
/// content part (so the provider needs no access to the media store):
/// <code>
/// POST {Omni:Providers:&lt;provider&gt;:Endpoint}/chat/completions
/// {"model": "...", "messages": [{"role": "user", "content": [
///    {"type": "text", "text": "&lt;prompt&gt;"},
///    {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,..."}}]}]}
/// </code>
/// Parameters: <c>prompt</c>, <c>language</c>. Output: <c>{"text"}</c>. Providers: any configured OpenAI-compatible
/// endpoint (<c>qwen-vl</c>, <c>local</c>, ...); <c>openai</c> defaults to <c>https://api.openai.com/v1</c> and <c>gpt-4o-mini</c>.
/// </summary>
public sealed class DescribeImageExecutor(IHttpClientFactory clients, OmniOptions options, MediaFetcher media, TimeProvider time) : IActionExecutor
{
    public const string Id = "transform.describe.image";

    public const string DefaultPrompt = "Describe this image in one short paragraph.";

    private static readonly Dictionary<string, PublicProvider> Defaults = new(StringComparer.Ordinal)
    {
        ["openai"] = new(ProviderLinks.OpenAi, "gpt-4o-mini"),
    };

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var link = ProviderLinks.Resolve(options, Id, invocation.Provider, Defaults);
        var provider = link.Name;

        var image = await media.FetchAsync(invocation.Event, Id, cancellationToken);
        if (!image.MediaType.StartsWith("image/", StringComparison.Ordinal))
        {
            throw new PermanentActionException($"{Id}: the event's media is {image.MediaType}, not an image.");
        }

        var prompt = invocation.GetString("prompt") ?? DefaultPrompt;
        if (invocation.GetString("language") is { } language)
        {
            prompt += $" Answer in the language with ISO 639-1 code '{language}'.";
        }

        var message = new ChatMessage(ChatRole.User, [new TextContent(prompt), new DataContent(image.Bytes, image.MediaType)]);
        using var chat = OpenAiChat.CreateClient(clients.CreateClient(ActionHttpClients.ForProvider(provider)), link.Endpoint, link.ApiKey, link.Model, link.Timeout);
        var response = await OpenAiChat.GetResponseAsync(chat, [message], new ChatOptions { ModelId = link.Model }, $"{Id}: {provider}", link.Timeout, time,
            cancellationToken);
        var text = response.Text ?? "";
        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(new JsonObject { ["text"] = text }),
            Provider = provider,
            Summary = $"{provider} described {image.Bytes.Length} bytes of {image.MediaType} (from {image.Source}) in {text.Length} chars",
        };
    }
}
