using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Slack;
using Omni.Services.Actions;
using Omni.Services.Actions.Http;
using Omni.Services.Actions.Speech;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Connections;

/// <summary>
/// Slack files for the STT and vision actions: the event's <c>media_url</c> (the file's <c>url_private_download</c>, as
/// the Slack normalizer reads it from a <c>file_share</c> message) downloaded with the bot's token, against a WireMock
/// file host that answers as Slack does: the file to the token, its sign-in page (HTML, 200) to anyone else.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class SlackMediaTests(AzuriteFixture azurite)
{
    private const string Instance = "demo-slack";
    private const string Token = "xoxb-test-token";
    private const string FilePath = "/files-pri/T043DB835ML-F04EEHX1EES/download/audio_message.m4a";
    private const string SignInPage = "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>";
    private static readonly byte[] Clip = [0x00, 0x00, 0x00, 0x1C, 0x66, 0x74, 0x79, 0x70, 0x4D, 0x34, 0x41, 0x20];

    private static async Task<ActionsHost> StartAsync(AzuriteFixture azurite, string? token = Token)
    {
        var host = await ActionsHost.StartWithBotAsync(azurite, Instance, "slack", token, "/api/");
        host.Server.Given(Request.Create().WithPath(FilePath).UsingGet().WithHeader("Authorization", "Bearer " + Token))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "audio/mp4").WithBody(Clip));
        host.Server.Given(Request.Create().WithPath(FilePath).UsingGet())
            .AtPriority(2)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html; charset=utf-8").WithBody(SignInPage));
        return host;
    }

    /// <summary>A voice clip shared in a channel, as the Slack normalizer reads the delivery (the file-share fixture's shape).</summary>
    private static OmniEvent VoiceClip(string fileUrl)
    {
        var body = $$$"""
            {"token":"aaaa","team_id":"T043DB835ML","api_app_id":"A0442TUPHGR","type":"event_callback","event_id":"Ev04EEHX1EES",
             "event_time":1670631527,"event":{"type":"message","subtype":"file_share","text":"","upload":true,"user":"U043H11ES4V",
             "display_as_bot":false,"ts":"1670631527.874149","channel":"C043YJGBY49","channel_type":"channel","event_ts":"1670631527.874149",
             "files":[{"id":"F04EEHX1EES","created":1670631527,"timestamp":1670631527,"name":"audio_message.m4a","title":"audio message",
               "mimetype":"audio/mp4","filetype":"m4a","pretty_type":"MPEG 4 Audio","user":"U043H11ES4V","size":12,"mode":"hosted",
               "is_external":false,"is_public":false,"subtype":"slack_audio","duration_ms":4200,
               "url_private":"{{{fileUrl.Replace("/download/", "/", StringComparison.Ordinal)}}}","url_private_download":"{{{fileUrl}}}",
               "file_access":"visible"}]}}
            """;
        var result = new SlackNormalizer().Normalize(new RawPayload("slack", Instance, "ing1", "slack/demo-slack/ing1.json",
            DateTimeOffset.FromUnixTimeSeconds(1670631528), "application/json", Encoding.UTF8.GetBytes(body)));
        return Assert.Single(result.Events);
    }

    [Fact]
    public async Task Fetch_SlackVoiceClip_DownloadedWithTheBotToken()
    {
        await using var host = await StartAsync(azurite);
        var clip = VoiceClip(host.Url + FilePath);

        var media = await host.Services.GetRequiredService<MediaFetcher>().FetchAsync(clip, "transform.stt.audio", CancellationToken.None);

        Assert.Equal((ContentTypes.Audio, host.Url + FilePath), (clip.ContentType, clip.MediaUrl));
        Assert.Equal(Clip, media.Bytes);
        Assert.Equal((MediaSources.Slack, "audio/mp4", "audio_message.m4a"), (media.Source, media.MediaType, media.FileName));
        Assert.Equal("Bearer " + Token, host.Server.OnlyRequest(FilePath).RequestMessage!.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task Transcribe_SlackVoiceClip_ThroughGroq()
    {
        await using var host = await StartAsync(azurite);
        Providers.Transcribe(host, Providers.GroqPath, "Chego às cinco.");

        var outcome = await host.Executor<SpeechToTextExecutor>().ExecuteAsync(
            ActionsHost.Invocation(SpeechToTextExecutor.Id, VoiceClip(host.Url + FilePath)).WithProvider("groq"), CancellationToken.None);

        Assert.Equal(Clip, (await host.Server.OnlyRequest(Providers.GroqPath).FormAsync())["file"].Bytes);
        Assert.Equal("Chego às cinco.", outcome.OutputString("text"));
    }

    [Fact]
    public async Task Fetch_TokenSlackDoesNotServe_SignInPageIsAPermanentFailureNamingTheScope()
    {
        await using var host = await StartAsync(azurite, token: "xoxb-without-files-read");

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() =>
            host.Services.GetRequiredService<MediaFetcher>().FetchAsync(VoiceClip(host.Url + FilePath), "transform.stt.audio", CancellationToken.None));

        Assert.Contains("Slack answered a web page instead of the file: the bot token needs the files:read scope", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("xoxb-", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_NoBotToken_PermanentBeforeAnyRequest()
    {
        await using var host = await StartAsync(azurite, token: null);

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() =>
            host.Services.GetRequiredService<MediaFetcher>().FetchAsync(VoiceClip(host.Url + FilePath), "transform.stt.audio", CancellationToken.None));

        Assert.Contains("Omni:Instances:demo-slack:BotToken is not set", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.LogEntries);
    }

    [Fact]
    public async Task Fetch_FileUrlOnAnotherHost_TheTokenIsNeverSent()
    {
        await using var host = await StartAsync(azurite);
        var elsewhere = new UriBuilder(host.Url) { Host = new Uri(host.Url).Host == "localhost" ? "127.0.0.1" : "localhost" }.Uri;

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() =>
            host.Services.GetRequiredService<MediaFetcher>().FetchAsync(VoiceClip(elsewhere.ToString().TrimEnd('/') + FilePath), "transform.stt.audio", CancellationToken.None));

        Assert.Contains("is not a Slack host; the bot token is sent only to slack.com and its subdomains", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.LogEntries);
    }

    [Theory]
    [InlineData("https://files.slack.com/files-pri/T0-F0/download/a.m4a", null, true)]
    [InlineData("https://slack.com/x", null, true)]
    [InlineData("https://files.slack.com.evil.example/files-pri/a.m4a", null, false)]
    [InlineData("https://evilslack.com/a.m4a", null, false)]
    [InlineData("http://files.slack.com/files-pri/a.m4a", null, false)] // never over plain HTTP
    [InlineData("http://127.0.0.1:9000/files-pri/a.m4a", "http://127.0.0.1:9000/api/", true)]
    [InlineData("http://127.0.0.1:9001/files-pri/a.m4a", "http://127.0.0.1:9000/api/", false)]
    public void MayCarryToken_SlackHostsOverHttpsOrTheConfiguredApiHostOnly(string url, string? apiBase, bool expected) =>
        Assert.Equal(expected, Omni.Services.Connections.Slack.SlackMediaClient.MayCarryToken(new Uri(url), apiBase is null ? null : new Uri(apiBase)));
}
