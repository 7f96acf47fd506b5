using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Engine.Workflows.Actions;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Actions.Vision;

/// <summary>
/// <c>transform.describe.video</c>: describes the event's video with a video-capable model behind an OpenAI-compatible
/// chat endpoint. The whole file (from <see cref="MediaFetcher"/>, at most 25 MB) is sent inline as a <c>video_url</c>
/// content part and <b>the provider samples the frames</b>: vLLM serving a video model (Qwen2.5-VL, LLaVA-OneVision) and
/// Alibaba Model Studio's compatible mode (Qwen-VL) accept it. Omni extracts no frames itself: that needs ffmpeg, which
/// neither host has (Flex Consumption cannot install it), and OpenAI's chat API takes no video, so <c>openai</c> is not a
/// link of this chain.
/// <code>
/// POST {Omni:Providers:&lt;provider&gt;:Endpoint}/chat/completions
/// {"model": "...", "messages": [{"role": "user", "content": [
///    {"type": "text", "text": "&lt;prompt&gt;"},
///    {"type": "video_url", "video_url": {"url": "data:video/mp4;base64,..."}}]}]}
/// → {"choices": [{"message": {"role": "assistant", "content": "..."}}], ...}
/// </code>
/// The request is written by hand: Microsoft.Extensions.AI's OpenAI adapter has no video content part.
/// Output: <c>{"text", "provider"}</c>. Providers: <c>qwen-vl</c>, <c>local</c> (each needs <c>Endpoint</c> and <c>Model</c>).
/// </summary>
public sealed class DescribeVideoExecutor(IHttpClientFactory clients, OmniOptions options, MediaFetcher media, TimeProvider time) : IActionExecutor
{
    public const string Id = "transform.describe.video";

    public const string DefaultPrompt = "Describe this video in one short paragraph.";

    private static readonly Dictionary<string, PublicProvider> Defaults = new(StringComparer.Ordinal);

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var link = ProviderLinks.Resolve(options, Id, invocation.Provider, Defaults);
        var language = invocation.GetString("language");
        if (language is not null && !LanguageCode.IsValid(language))
        {
            throw new PermanentActionException($"{Id}: 'language' must be an ISO 639-1 language code (two lower-case letters), not '{language}'.");
        }

        var video = await media.FetchAsync(invocation.Event, Id, cancellationToken);
        if (!video.MediaType.StartsWith("video/", StringComparison.Ordinal))
        {
            throw new PermanentActionException($"{Id}: the event's media is {video.MediaType}, not a video.");
        }

        var prompt = invocation.GetString("prompt") ?? DefaultPrompt;
        if (language is not null)
        {
            prompt += $" Answer in the language with ISO 639-1 code '{language}'.";
        }

        var body = new JsonObject
        {
            ["model"] = link.Model,
            ["messages"] = new JsonArray(new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(
                    new JsonObject { ["type"] = "text", ["text"] = prompt },
                    new JsonObject
                    {
                        ["type"] = "video_url",
                        ["video_url"] = new JsonObject { ["url"] = $"data:{video.MediaType};base64,{Convert.ToBase64String(video.Bytes)}" },
                    }),
            }),
        };
        var text = await ProviderHttp.PostJsonAsync(clients.CreateClient(ActionHttpClients.ForProvider(link.Name)),
            ProviderHttp.Combine(link.Endpoint, "chat/completions"), link.ApiKey, body, $"{Id}: {link.Name}", link.Timeout, time, Content, cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new PermanentActionException($"{Id}: {link.Name} answered without text.");
        }

        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(new JsonObject { ["text"] = text, ["provider"] = link.Name }),
            Provider = link.Name,
            Summary = $"{link.Name} described {video.Bytes.Length} bytes of {video.MediaType} (from {video.Source}) in {text.Length} chars",
        };
    }

    /// <summary><c>choices[0].message.content</c>: a string, or (some servers) an array of text parts.</summary>
    private static string? Content(JsonElement answer)
    {
        var content = answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content");
        return content.ValueKind switch
        {
            JsonValueKind.String => content.GetString(),
            JsonValueKind.Array => string.Concat(content.EnumerateArray()
                .Where(p => p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                .Select(p => p.GetProperty("text").GetString())),
            _ => null,
        };
    }
}
