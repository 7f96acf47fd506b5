using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Actions.Http;
using Omni.Services.Configuration;

namespace Omni.Services.Actions.Speech;

/// <summary>
/// <c>transform.stt.audio</c>: transcribes the event's audio with one provider (the chain is <see cref="ProviderChainRunner"/>'s job).
/// <list type="bullet">
/// <item><c>groq</c>, <c>openai</c> and any other configured OpenAI-compatible provider:
/// <c>POST {Endpoint}/audio/transcriptions</c>, <c>Authorization: Bearer {ApiKey}</c>, multipart form with <c>file</c>,
/// <c>model</c>, <c>response_format</c> (<c>verbose_json</c> for Whisper models, which adds the detected language),
/// and optional <c>language</c> / <c>prompt</c>. Answer: <c>{"text": "...", "language": "portuguese", ...}</c>.</item>
/// <item><c>assemblyai</c>: <c>POST {Endpoint}/v2/upload</c> with the raw bytes → <c>{"upload_url"}</c>;
/// <c>POST {Endpoint}/v2/transcript {"audio_url", "language_code" | "language_detection": true}</c> → <c>{"id", "status"}</c>;
/// <c>GET {Endpoint}/v2/transcript/{id}</c> every <see cref="AssemblyAiPollInterval"/> until <c>completed</c> (<c>text</c>,
/// <c>language_code</c>) or <c>error</c> (<c>error</c>). Header <c>authorization: {ApiKey}</c>.</item>
/// </list>
/// The audio comes from <see cref="MediaFetcher"/> (media_url, the raw archive's inline base64, or Evolution). Output: <c>{"text", "language"?}</c>.
/// </summary>
public sealed class SpeechToTextExecutor(IHttpClientFactory clients, OmniOptions options, MediaFetcher media, ActionDelays delays, TimeProvider time)
    : IActionExecutor
{
    public const string Id = "transform.stt.audio";

    public static readonly TimeSpan AssemblyAiPollInterval = TimeSpan.FromSeconds(3);

    /// <summary>Documented endpoints and models, used when the provider's settings leave them out.</summary>
    private static readonly Dictionary<string, (Uri Endpoint, string? Model)> Defaults = new(StringComparer.Ordinal)
    {
        ["groq"] = (new Uri("https://api.groq.com/openai/v1"), "whisper-large-v3"),
        ["openai"] = (new Uri("https://api.openai.com/v1"), "whisper-1"),
        ["assemblyai"] = (new Uri("https://api.assemblyai.com"), null),
    };

    public string ActionId => Id;

    public async Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var provider = invocation.Provider ?? throw new PermanentActionException($"{Id}: no provider given (run it through its provider chain).");
        options.Providers.TryGetValue(provider, out var settings);
        settings ??= new ProviderOptions();
        Defaults.TryGetValue(provider, out var defaults);
        var endpoint = settings.Endpoint ?? defaults.Endpoint ?? throw new PermanentActionException($"{Id}: Omni:Providers:{provider}:Endpoint is not set.");
        var apiKey = settings.ApiKey ?? throw new PermanentActionException($"{Id}: Omni:Providers:{provider}:ApiKey is not set.");
        var audio = await media.FetchAsync(invocation.Event, Id, cancellationToken);
        var language = invocation.GetString("language");

        var (text, detected, calls) = provider == "assemblyai"
            ? await AssemblyAiAsync(provider, endpoint, apiKey, settings, audio, language, cancellationToken)
            : await OpenAiCompatibleAsync(provider, endpoint, apiKey, settings.Model ?? defaults.Model, settings, audio, language,
                invocation.GetString("prompt"), cancellationToken);

        text = text.Trim(); // Whisper opens with a space
        var output = new JsonObject { ["text"] = text };
        if (!string.IsNullOrWhiteSpace(detected ?? language))
        {
            output["language"] = detected ?? language;
        }

        return new ActionOutcome
        {
            Output = JsonSerializer.SerializeToElement(output),
            Provider = provider,
            Summary = $"{provider} transcribed {audio.Bytes.Length} bytes of {audio.MediaType} (from {audio.Source}) into {text.Length} chars in {calls} call(s)",
        };
    }

    private async Task<(string Text, string? Language, int Calls)> OpenAiCompatibleAsync(
        string provider, Uri endpoint, string apiKey, string? model, ProviderOptions settings, MediaContent audio, string? language, string? prompt,
        CancellationToken cancellationToken)
    {
        if (model is null)
        {
            throw new PermanentActionException($"{Id}: Omni:Providers:{provider}:Model is not set.");
        }

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(audio.Bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(audio.MediaType);
        form.Add(file, "file", audio.FileName);
        form.Add(new StringContent(model), "model");
        form.Add(new StringContent(model.StartsWith("whisper", StringComparison.OrdinalIgnoreCase) ? "verbose_json" : "json"), "response_format");
        if (language is not null)
        {
            form.Add(new StringContent(language), "language");
        }

        if (prompt is not null)
        {
            form.Add(new StringContent(prompt), "prompt");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, ProviderHttp.Combine(endpoint, "audio/transcriptions")) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await ProviderHttp.SendAsync(clients.CreateClient(ActionHttpClients.ForProvider(provider)), request,
            $"{Id}: {provider} transcription", settings.Timeout ?? ActionHttpClients.DefaultTimeout, time, cancellationToken);
        var json = await ReadJsonAsync(response, provider, cancellationToken);
        return (String(json, "text") ?? "", String(json, "language"), 1);
    }

    private async Task<(string Text, string? Language, int Calls)> AssemblyAiAsync(
        string provider, Uri endpoint, string apiKey, ProviderOptions settings, MediaContent audio, string? language, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ActionHttpClients.ForProvider(provider));
        var requestTimeout = TimeSpan.FromSeconds(60);
        var what = $"{Id}: {provider}";
        var calls = 0;

        // 1. Upload the raw bytes.
        string uploadUrl;
        using (var upload = new HttpRequestMessage(HttpMethod.Post, ProviderHttp.Combine(endpoint, "v2/upload")) { Content = new ByteArrayContent(audio.Bytes) })
        {
            upload.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            upload.Headers.TryAddWithoutValidation("authorization", apiKey);
            calls++;
            using var response = await ProviderHttp.SendAsync(client, upload, what + " upload", requestTimeout, time, cancellationToken);
            uploadUrl = String(await ReadJsonAsync(response, provider, cancellationToken), "upload_url")
                        ?? throw new PermanentActionException($"{what} upload answered without upload_url.");
        }

        // 2. Create the transcript.
        var create = new JsonObject { ["audio_url"] = uploadUrl };
        if (language is not null)
        {
            create["language_code"] = language;
        }
        else
        {
            create["language_detection"] = true;
        }

        if (!string.IsNullOrWhiteSpace(settings.Model))
        {
            create["speech_models"] = new JsonArray(settings.Model);
        }

        JsonElement transcript;
        using (var request = new HttpRequestMessage(HttpMethod.Post, ProviderHttp.Combine(endpoint, "v2/transcript")) { Content = JsonContent.Create(create) })
        {
            request.Headers.TryAddWithoutValidation("authorization", apiKey);
            calls++;
            using var response = await ProviderHttp.SendAsync(client, request, what + " transcript", requestTimeout, time, cancellationToken);
            transcript = await ReadJsonAsync(response, provider, cancellationToken);
        }

        var id = String(transcript, "id") ?? throw new PermanentActionException($"{what} transcript answered without id.");

        // 3. Poll until it is done, bounded by the provider's timeout (default 5 minutes).
        var maxPolls = (int)Math.Ceiling((settings.Timeout ?? TimeSpan.FromMinutes(5)) / AssemblyAiPollInterval);
        for (var poll = 0; ; poll++)
        {
            switch (String(transcript, "status"))
            {
                case "completed":
                    return (String(transcript, "text") ?? "", String(transcript, "language_code"), calls);
                case "error":
                    var error = String(transcript, "error") ?? "no reason given";
                    // AssemblyAI's advice for server-side failures is to resubmit; anything else (no audio, bad format) is final.
                    throw error.Contains("server error", StringComparison.OrdinalIgnoreCase) || error.Contains("internal", StringComparison.OrdinalIgnoreCase)
                        ? new TransientActionException($"{what} transcript {id} failed: {error}", null, mayHaveTakenEffect: false)
                        : new PermanentActionException($"{what} transcript {id} failed: {error}");
            }

            if (poll >= maxPolls)
            {
                throw new TransientActionException($"{what} transcript {id} was not done after {maxPolls} polls", null, mayHaveTakenEffect: false);
            }

            await delays.DelayAsync(AssemblyAiPollInterval, cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, ProviderHttp.Combine(endpoint, $"v2/transcript/{Uri.EscapeDataString(id)}"));
            request.Headers.TryAddWithoutValidation("authorization", apiKey);
            calls++;
            using var response = await ProviderHttp.SendAsync(client, request, what + " poll", requestTimeout, time, cancellationToken);
            transcript = await ReadJsonAsync(response, provider, cancellationToken);
        }
    }

    private static string? String(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, string provider, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new PermanentActionException(
                $"{Id}: {provider} answered {(int)response.StatusCode} with a body that is not JSON.", (int)response.StatusCode, ex);
        }
    }
}
