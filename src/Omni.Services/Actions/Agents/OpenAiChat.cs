using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using Omni.Services.Actions.Http;

namespace Omni.Services.Actions.Agents;

/// <summary>
/// OpenAI-compatible chat completions through Microsoft.Extensions.AI: an <see cref="IChatClient"/> over the OpenAI SDK,
/// pointed at any endpoint (<c>POST {endpoint}/chat/completions</c>), sending through our named <see cref="HttpClient"/>
/// and with the SDK's own retries off (retries are the workflow's, and only for transient failures).
/// </summary>
public static class OpenAiChat
{
    public static IChatClient CreateClient(HttpClient http, Uri endpoint, string apiKey, string model, TimeSpan timeout)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = timeout,
        };
        return new ChatClient(model, new ApiKeyCredential(apiKey), options).AsIChatClient();
    }

    /// <summary>Sends the chat and classifies failures like <see cref="ProviderHttp"/>: 408/429/5xx and timeouts transient, other 4xx permanent.</summary>
    public static async Task<ChatResponse> GetResponseAsync(
        IChatClient client, IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? chatOptions, string what, TimeSpan timeout,
        TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            return await client.GetResponseAsync(messages, chatOptions, timeoutSource.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientActionException($"{what}: no answer within {timeout.TotalSeconds:0.###} s", null, mayHaveTakenEffect: true, innerException: ex);
        }
        catch (ClientResultException ex) when (ex.Status == 0)
        {
            throw new TransientActionException($"{what}: {ex.Message}", null, mayHaveTakenEffect: true, innerException: ex);
        }
        catch (ClientResultException ex)
        {
            var status = (System.Net.HttpStatusCode)ex.Status;
            var raw = ex.GetRawResponse();
            var message = $"{what}: HTTP {ex.Status} {raw?.ReasonPhrase}: {Quote(raw)}";
            if (!ProviderHttp.IsTransient(status))
            {
                throw new PermanentActionException(message, ex.Status, ex);
            }

            TimeSpan? retryAfter = null;
            if (raw is not null)
            {
                retryAfter = raw.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture, out var milliseconds)
                    ? TimeSpan.FromMilliseconds(milliseconds)
                    : ProviderHttp.ParseRetryAfter(raw.Headers.TryGetValue("retry-after", out var value) ? value : null, time);
            }

            throw new TransientActionException(message, retryAfter, mayHaveTakenEffect: false, statusCode: ex.Status, innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            var notSent = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
            throw new TransientActionException($"{what}: {ex.Message}", null, mayHaveTakenEffect: !notSent, innerException: ex);
        }
    }

    /// <summary>
    /// Chat options that ask for an answer matching <paramref name="schema"/>: OpenAI's
    /// <c>response_format: {"type": "json_schema", "json_schema": {"name", "schema", "strict": true}}</c>, so the model's
    /// sampling is constrained to the schema where the provider supports it (OpenAI, vLLM, Groq's json_schema models).
    /// </summary>
    public static ChatOptions JsonSchemaOptions(string model, string name, JsonElement schema) => new()
    {
        ModelId = model,
        ResponseFormat = Microsoft.Extensions.AI.ChatResponseFormat.ForJsonSchema(schema, name),
        AdditionalProperties = new AdditionalPropertiesDictionary { ["strict"] = true }, // the OpenAI adapter's key for json_schema.strict
    };

    /// <summary>The answer parsed as a JSON object, or null when it is none (a provider that ignored the schema, a refusal).</summary>
    public static JsonElement? JsonAnswer(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            using var document = JsonDocument.Parse(response.Text ?? "");
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Quote(PipelineResponse? response)
    {
        try
        {
            var text = response?.Content?.ToString() ?? "";
            return text.Length > 300 ? text[..300] + "…" : text;
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }
}
