using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Services.Actions;
using Omni.Services.Actions.Http;
using Omni.Services.Actions.Speech;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Connections;

/// <summary>Telegram media for the STT and vision actions: getFile, then the file download, at the Bot API's shapes.</summary>
[Collection(UsesAzurite.Name)]
public sealed class TelegramMediaTests(AzuriteFixture azurite)
{
    private const string Instance = "demo-telegram";
    private const string Token = "7000000001:AAHtestTOKENtestTOKENtestTOKEN";
    private static readonly byte[] Voice = [0x4F, 0x67, 0x67, 0x53, 0x00, 0x02, 0x01, 0x02, 0x03];

    private static Task<ActionsHost> StartAsync(AzuriteFixture azurite) =>
        ActionsHost.StartWithBotAsync(azurite, Instance, "telegram", Token);

    /// <summary>A voice note as the Telegram normalizer makes it: no media_url, the file id in provider_metadata.media.</summary>
    private static OmniEvent VoiceNote() => ActionsHost.TextEvent() with
    {
        Channel = Channels.Telegram,
        Provider = "telegram",
        Instance = Instance,
        ContentType = ContentTypes.Audio,
        Text = null,
        ProviderMessageId = "1365",
        ConversationId = "1111111",
        MediaMimeType = "audio/ogg",
        MediaSizeBytes = 23000,
        ProviderMetadata = JsonSerializer.SerializeToElement(new { update_id = 10000, media = new { type = "voice", file_id = "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX" } }),
    };

    private static void ServeFile(ActionsHost host)
    {
        host.Server.Given(Request.Create().WithPath("/bot" + Token + "/getFile").UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithBodyAsJson(new { ok = true, result = new { file_id = "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", file_unique_id = "AgADbX", file_size = 23000, file_path = "voice/file_12.oga" } }));
        host.Server.Given(Request.Create().WithPath("/file/bot" + Token + "/voice/file_12.oga").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/octet-stream").WithBody(Voice));
    }

    [Fact]
    public async Task Fetch_TelegramVoice_GetFileThenDownload_AsOggForTheTranscriptionApis()
    {
        await using var host = await StartAsync(azurite);
        ServeFile(host);

        var media = await host.Services.GetRequiredService<MediaFetcher>().FetchAsync(VoiceNote(), "transform.stt.audio", CancellationToken.None);

        Assert.Equal(Voice, media.Bytes);
        Assert.Equal(MediaSources.Telegram, media.Source);
        Assert.Equal("audio/ogg", media.MediaType);
        Assert.Equal("file_12.ogg", media.FileName);
        Assert.Equal("AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", host.Server.OnlyRequest("/bot" + Token + "/getFile").Json().GetProperty("file_id").GetString());
    }

    [Fact]
    public async Task Transcribe_TelegramVoice_ThroughGroq()
    {
        await using var host = await StartAsync(azurite);
        ServeFile(host);
        Providers.Transcribe(host, Providers.GroqPath, "Oi, chego às cinco.");

        var outcome = await host.Executor<SpeechToTextExecutor>().ExecuteAsync(
            ActionsHost.Invocation(SpeechToTextExecutor.Id, VoiceNote()).WithProvider("groq"), CancellationToken.None);

        var form = await host.Server.OnlyRequest(Providers.GroqPath).FormAsync();
        Assert.Equal(Voice, form["file"].Bytes);
        Assert.Equal("Oi, chego às cinco.", outcome.OutputString("text"));
    }

    [Fact]
    public async Task Fetch_FileTooBigForTheBotApi_Permanent()
    {
        await using var host = await StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath("/bot" + Token + "/getFile").UsingPost()).RespondWith(Response.Create().WithStatusCode(400)
            .WithBodyAsJson(new { ok = false, error_code = 400, description = "Bad Request: file is too big" }));

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() =>
            host.Services.GetRequiredService<MediaFetcher>().FetchAsync(VoiceNote(), "transform.stt.audio", CancellationToken.None));

        Assert.Contains("file is too big", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ex.Message, StringComparison.Ordinal);
    }
}
