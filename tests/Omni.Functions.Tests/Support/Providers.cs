using System.Globalization;
using System.Text.Json;
using Omni.Engine.Events;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Functions.Tests.Support;

/// <summary>
/// The providers' answers as WireMock mappings, in their documented request/response shapes (the same ones
/// tests/Omni.Services.Tests/Support and tests/Omni.Local.Tests use), and what the server received.
/// </summary>
public static class Providers
{
    public const string SendTextPath = "/message/sendText/" + DurableWorkflowHost.EvolutionInstance;
    public const string ChatPath = "/v1/chat/completions";
    public const string GroqPath = "/openai/v1/audio/transcriptions";
    public const string OpenAiTranscriptionsPath = "/v1/audio/transcriptions";
    public const string VoicePath = "/media/voice.ogg";
    public const string ContactJid = "5511999990001@s.whatsapp.net";

    /// <summary>The start of a real Ogg/Opus voice note ("OggS" capture pattern, OpusHead).</summary>
    public static readonly byte[] VoiceBytes =
        [0x4F, 0x67, 0x67, 0x53, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4F, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64, 0x01, 0x01];

    /// <summary>Evolution v2's answer to sendText (201): the message as stored, key.id the WhatsApp message id.</summary>
    public static void AnswerSendText(this WireMockServer server) =>
        server.Given(Request.Create().WithPath(SendTextPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new
        {
            key = new { remoteJid = ContactJid, fromMe = true, id = "3EB0A1B2C3D4E5F60718" },
            pushName = "",
            status = "PENDING",
            message = new { conversation = "ok" },
            contextInfo = (object?)null,
            messageType = "conversation",
            messageTimestamp = 1767614400,
            instanceId = "0b5f3c5e-7d2a-4a51-9a3e-1c2d3e4f5a6b",
            source = "unknown",
        }));

    /// <summary>An OpenAI chat completion.</summary>
    public static object ChatCompletion(string content) => new
    {
        id = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        @object = "chat.completion",
        created = 1741570283,
        model = "gpt-4o-mini-2024-07-18",
        choices = new[]
        {
            new { index = 0, message = new { role = "assistant", content, refusal = (string?)null }, logprobs = (object?)null, finish_reason = "stop" },
        },
        usage = new { prompt_tokens = 26, completion_tokens = 12, total_tokens = 38 },
        system_fingerprint = "fp_44709d6fcb",
    };

    public static void AnswerChat(this WireMockServer server, string content) =>
        server.Given(Request.Create().WithPath(ChatPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(ChatCompletion(content)));

    /// <summary>An OpenAI-style error body (OpenAI, Groq and compatible servers answer errors this way).</summary>
    public static IResponseBuilder Error(int status, string message, string type, string? code = null) =>
        Response.Create().WithStatusCode(status).WithBodyAsJson(new { error = new { message, type, param = (string?)null, code } });

    /// <summary>Whisper's <c>verbose_json</c> answer (Groq and OpenAI share it).</summary>
    public static void AnswerTranscription(this WireMockServer server, string path, string text) =>
        server.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
        {
            task = "transcribe",
            language = "portuguese",
            duration = 4.2,
            text = " " + text,
            segments = new[] { new { id = 0, seek = 0, start = 0.0, end = 4.2, text = " " + text, avg_logprob = -0.18, no_speech_prob = 0.01 } },
        }));

    public static void ServeVoiceNote(this WireMockServer server) =>
        server.Given(Request.Create().WithPath(VoicePath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "audio/ogg").WithBody(VoiceBytes));

    /// <summary>A 2xx from a webhook receiver (reminders, escalation notices).</summary>
    public static void AcceptPosts(this WireMockServer server, string path) =>
        server.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(202));

    public static IReadOnlyList<ILogEntry> Requests(this WireMockServer server, string path) =>
        [.. server.LogEntries.Where(e => e.RequestMessage!.Path == path)];

    public static JsonElement Json(this ILogEntry entry) => JsonDocument.Parse(entry.RequestMessage!.Body!).RootElement.Clone();

    /// <summary>A direct text from the contact, as the Evolution normalizer makes it.</summary>
    public static OmniEvent Text(string text, bool fromMe = false, DateTimeOffset? at = null)
    {
        var when = at ?? DateTimeOffset.UtcNow;
        var messageId = "3EB0" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        return new OmniEvent
        {
            EventId = EventKey.ComputeEventId("evolution", DurableWorkflowHost.Instance, messageId, EventKinds.Message),
            Channel = "whatsapp",
            Provider = "evolution",
            Instance = DurableWorkflowHost.Instance,
            EventKind = "message",
            ContentType = "text",
            ProviderEventId = messageId,
            ProviderMessageId = messageId,
            ConversationId = ContactJid,
            SenderHandle = ContactJid,
            SenderName = "Ana",
            FromMe = fromMe,
            Text = text,
            OccurredAt = when,
            ReceivedAt = when,
            RawBlob = "evolution/demo/" + when.ToString("yyyy/MM/dd/HH", CultureInfo.InvariantCulture) + "/ing_1",
        };
    }
}
