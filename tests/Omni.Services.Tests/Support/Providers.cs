using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Support;

/// <summary>Third-party APIs' answers as WireMock mappings: the providers' documented response shapes.</summary>
public static class Providers
{
    public const string GroqPath = "/openai/v1/audio/transcriptions";
    public const string OpenAiTranscriptionsPath = "/v1/audio/transcriptions";
    public const string ChatPath = "/v1/chat/completions";
    public const string VoicePath = "/media/voice.ogg";
    public const string ImagePath = "/media/photo.jpg";
    public const string VideoPath = "/media/clip.mp4";

    /// <summary>The start of a real Ogg/Opus voice note ("OggS" capture pattern, OpusHead); enough to check bytes travel unchanged.</summary>
    public static readonly byte[] VoiceBytes =
        [0x4F, 0x67, 0x67, 0x53, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4F, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64, 0x01, 0x01];

    /// <summary>A JPEG's start (SOI + JFIF APP0).</summary>
    public static readonly byte[] ImageBytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01];

    /// <summary>The start of an MP4 (an <c>ftyp</c> box, brand isom).</summary>
    public static readonly byte[] VideoBytes = [0x00, 0x00, 0x00, 0x20, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D, 0x00, 0x00, 0x02, 0x00];

    public static void ServeVoiceNote(ActionsHost host) =>
        host.Server.Given(Request.Create().WithPath(VoicePath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "audio/ogg").WithBody(VoiceBytes));

    public static void ServeImage(ActionsHost host) =>
        host.Server.Given(Request.Create().WithPath(ImagePath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/jpeg").WithBody(ImageBytes));

    public static void ServeVideo(ActionsHost host) =>
        host.Server.Given(Request.Create().WithPath(VideoPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "video/mp4").WithBody(VideoBytes));

    /// <summary>Whisper's <c>verbose_json</c> answer (Groq and OpenAI share it; Groq adds <c>x_groq</c>).</summary>
    public static object VerboseTranscription(string text, string language = "portuguese") => new
    {
        task = "transcribe",
        language,
        duration = 2.54,
        text = " " + text,
        segments = new[] { new { id = 0, seek = 0, start = 0.0, end = 2.54, text = " " + text, avg_logprob = -0.21, no_speech_prob = 0.01 } },
        x_groq = new { id = "req_01jh7x9k2vf8s0r6m3q5w4t1ab" },
    };

    public static void Transcribe(ActionsHost host, string path, string text, string language = "portuguese") =>
        host.Server.Given(Request.Create().WithPath(path).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(VerboseTranscription(text, language)));

    /// <summary>An OpenAI-style error body with the given status (Groq and OpenAI answer errors this way).</summary>
    public static IResponseBuilder Error(int status, string message, string type, string? code = null) =>
        Response.Create().WithStatusCode(status).WithBodyAsJson(new { error = new { message, type, code } });

    public static void Fail(ActionsHost host, string path, int status, string? retryAfter = null)
    {
        var response = status == 429
            ? Error(429, "Rate limit reached for model `whisper-large-v3` in organization `org_01` on seconds of audio per hour (ASPH). Please try again in 7s.",
                "seconds", "rate_limit_exceeded")
            : Error(status, "Internal Server Error", "internal_server_error");
        if (retryAfter is not null)
        {
            response = response.WithHeader("retry-after", retryAfter);
        }

        host.Server.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(response);
    }

    /// <summary>An OpenAI chat completion answer.</summary>
    public static object ChatCompletion(string content, string model = "gpt-4o-mini-2024-07-18") => new
    {
        id = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        @object = "chat.completion",
        created = 1741570283,
        model,
        choices = new[]
        {
            new { index = 0, message = new { role = "assistant", content, refusal = (string?)null }, logprobs = (object?)null, finish_reason = "stop" },
        },
        usage = new { prompt_tokens = 26, completion_tokens = 12, total_tokens = 38 },
        system_fingerprint = "fp_44709d6fcb",
    };

    public static void Chat(ActionsHost host, string path, string content) =>
        host.Server.Given(Request.Create().WithPath(path).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(ChatCompletion(content)));
}
