using Omni.Engine.Events;
using Omni.Services.Actions;
using Omni.Services.Actions.Http;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Actions;

/// <summary>
/// <see cref="MediaFetcher"/>'s sources, in order: a usable <c>media_url</c>, <c>data.message.base64</c> in the archived
/// webhook (Azurite), Evolution's <c>getBase64FromMediaMessage</c> (WireMock), else a permanent error naming what is missing.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class MediaFetcherTests(AzuriteFixture azurite)
{
    private const string GetBase64Path = "/chat/getBase64FromMediaMessage/" + ActionsHost.EvolutionInstance;
    private const string EncryptedUrl =
        "https://mmg.whatsapp.net/v/t62.7117-24/35629873_663410686581758_8880443034391015442_n.enc?ccb=11-4&oh=01_Q5Aa1QFOLsA1To6&oe=683D7A3F&_nc_sid=5e03e0&mms3=true";

    private static MediaFetcher Fetcher(ActionsHost host) => (MediaFetcher)host.Services.GetService(typeof(MediaFetcher))!;

    /// <summary>A voice note whose media_url is the encrypted WhatsApp CDN URL, archived under its own blob name.</summary>
    private static OmniEvent VoiceNote(string? mediaUrl = EncryptedUrl) => ActionsHost.TextEvent() with
    {
        ContentType = "audio",
        Text = null,
        ProviderMessageId = "70B23FB274D480B740FCC07E6427D21B",
        MediaMimeType = "audio/ogg; codecs=opus",
        MediaUrl = mediaUrl,
        RawBlob = "evolution/demo/2026/01/05/12/" + Guid.NewGuid().ToString("N"),
    };

    /// <summary>An Evolution v2 <c>messages.upsert</c> of a voice note, with <c>message.base64</c> when given (the ptt fixture's shape).</summary>
    private static string Upsert(string messageId, string? base64) => $$"""
        {
          "event": "messages.upsert",
          "instance": "evo-demo",
          "data": {
            "key": { "remoteJid": "5511999990001@s.whatsapp.net", "fromMe": false, "id": "{{messageId}}" },
            "pushName": "Contato",
            "message": {
              "audioMessage": {
                "url": "{{EncryptedUrl}}",
                "mimetype": "audio/ogg; codecs=opus",
                "fileLength": "41589",
                "seconds": 19,
                "ptt": true,
                "mediaKey": "HMyn8WkBQ4MNj5fXCyqy52dqLnXwT85mlu59ncqn9Ao="
              },
              "messageContextInfo": { "deviceListMetadataVersion": 2 }{{(base64 is null ? "" : $", \"base64\": \"{base64}\"")}}
            },
            "messageType": "audioMessage",
            "messageTimestamp": 1746312085
          },
          "date_time": "2025-05-03T19:41:25.554Z",
          "sender": "5511988880000@s.whatsapp.net",
          "server_url": "http://localhost:8080",
          "apikey": "00000000-0000-0000-0000-000000000008"
        }
        """;

    private static void ServeGetBase64(ActionsHost host, string base64) =>
        host.Server.Given(Request.Create().WithPath(GetBase64Path).UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new
        {
            mediaType = "audioMessage",
            fileName = (string?)null,
            caption = (string?)null,
            size = new { fileLength = "41589", height = (int?)null, width = (int?)null },
            mimetype = "audio/ogg; codecs=opus",
            base64,
        }));

    [Fact]
    public async Task UsableMediaUrl_IsFetched_ArchiveAndEvolutionUntouched()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        var e = VoiceNote(host.Url + Providers.VoicePath);
        await host.ArchiveAsync(e.RawBlob, Upsert(e.ProviderMessageId!, Convert.ToBase64String([1, 2, 3])));

        var media = await Fetcher(host).FetchAsync(e, "test", CancellationToken.None);

        Assert.Equal((MediaSources.MediaUrl, "voice.ogg", "audio/ogg"), (media.Source, media.FileName, media.MediaType));
        Assert.Equal(Providers.VoiceBytes, media.Bytes);
        Assert.Empty(host.Server.Requests(GetBase64Path));
    }

    [Theory]
    [InlineData(EncryptedUrl)]
    [InlineData("https://mmg.whatsapp.net/o1/v/t24/f2/m234/AQOvgVhBHzgqVeZ5?ccb=9-4&oh=01_Q5Aa1w&oe=6884ED8D&_nc_sid=e6ed6c&mms3=true")] // no .enc
    [InlineData(null)]
    public async Task NoUsableUrl_ArchiveHasBase64_DecodesItWithoutAnyHttpCall(string? mediaUrl)
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var e = VoiceNote(mediaUrl);
        await host.ArchiveAsync(e.RawBlob, Upsert(e.ProviderMessageId!, Convert.ToBase64String(Providers.VoiceBytes)));

        var media = await Fetcher(host).FetchAsync(e, "test", CancellationToken.None);

        Assert.Equal(Providers.VoiceBytes, media.Bytes);
        Assert.Equal(MediaSources.RawArchive, media.Source);
        Assert.Equal("audio/ogg", media.MediaType);
        Assert.Equal("media.ogg", media.FileName); // never the CDN's "….enc" name: Whisper sniffs the format from it
        Assert.Empty(host.Server.LogEntries);
    }

    [Fact]
    public async Task ArchiveDataIsAnArray_TakesTheEventsMessage()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var e = VoiceNote();
        var other = Upsert("OTHER0000000001", Convert.ToBase64String([9, 9, 9]));
        var mine = Upsert(e.ProviderMessageId!, Convert.ToBase64String(Providers.VoiceBytes));
        static string Data(string upsert) => System.Text.Json.JsonDocument.Parse(upsert).RootElement.GetProperty("data").GetRawText();
        await host.ArchiveAsync(e.RawBlob, $$"""{ "event": "messages.upsert", "data": [ {{Data(other)}}, {{Data(mine)}} ] }""");

        var media = await Fetcher(host).FetchAsync(e, "test", CancellationToken.None);

        Assert.Equal(Providers.VoiceBytes, media.Bytes);
    }

    [Fact]
    public async Task ArchiveBase64Invalid_PermanentSayingSo()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var e = VoiceNote();
        await host.ArchiveAsync(e.RawBlob, Upsert(e.ProviderMessageId!, "T2dnUw!!not*base64"));

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => Fetcher(host).FetchAsync(e, "transform.stt.audio", CancellationToken.None));

        Assert.Equal($"transform.stt.audio: data.message.base64 in the archived payload {e.RawBlob} is not valid base64 (18 chars).", ex.Message);
        Assert.Empty(host.Server.LogEntries); // not "fixed" by asking Evolution: the archive is wrong, say so
    }

    [Fact]
    public void Base64_LargerThanMaxBytes_PermanentBeforeDecoding()
    {
        var tooLarge = new string('A', (int)(MediaFetcher.MaxBytes / 3 * 4) + 8);

        var ex = Assert.Throws<PermanentActionException>(() => MediaBase64.Decode(tooLarge, "inline"));

        Assert.Contains($"more than {MediaFetcher.MaxBytes}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Base64_DataUrlAndLineBreaks_Decoded()
    {
        var base64 = Convert.ToBase64String(Providers.ImageBytes);

        Assert.Equal(Providers.ImageBytes, MediaBase64.Decode("data:image/jpeg;base64," + base64, "inline"));
        Assert.Equal(Providers.ImageBytes, MediaBase64.Decode(base64[..8] + "\r\n" + base64[8..], "inline"));
    }

    [Fact]
    public async Task ArchiveWithoutBase64_AsksEvolutionWithTheMessageKeyAndApiKey()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var e = VoiceNote();
        await host.ArchiveAsync(e.RawBlob, Upsert(e.ProviderMessageId!, base64: null));
        ServeGetBase64(host, Convert.ToBase64String(Providers.VoiceBytes));

        var media = await Fetcher(host).FetchAsync(e, "test", CancellationToken.None);

        var request = host.Server.OnlyRequest(GetBase64Path);
        Assert.Equal("POST", request.Method());
        Assert.Equal(ActionsHost.EvolutionKey, request.Header("apikey"));
        Assert.Equal("""{"message":{"key":{"id":"70B23FB274D480B740FCC07E6427D21B"}},"convertToMp4":false}""", request.Json().GetRawText());
        Assert.Equal(Providers.VoiceBytes, media.Bytes);
        Assert.Equal((MediaSources.Evolution, "audio/ogg", "media.ogg"), (media.Source, media.MediaType, media.FileName));
    }

    [Fact]
    public async Task ArchivedPayloadGone_AsksEvolution()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        await host.ArchiveAsync("unrelated", "{}");
        ServeGetBase64(host, Convert.ToBase64String(Providers.VoiceBytes));

        var media = await Fetcher(host).FetchAsync(VoiceNote(), "test", CancellationToken.None);

        Assert.Equal(MediaSources.Evolution, media.Source);
    }

    [Fact]
    public async Task Evolution500_Transient()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var e = VoiceNote();
        await host.ArchiveAsync(e.RawBlob, Upsert(e.ProviderMessageId!, base64: null));
        host.Server.Given(Request.Create().WithPath(GetBase64Path).UsingPost()).RespondWith(Response.Create().WithStatusCode(500).WithBodyAsJson(new
        {
            status = 500, error = "Internal Server Error", response = new { message = new[] { "Connection Closed" } },
        }));

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => Fetcher(host).FetchAsync(e, "test", CancellationToken.None));

        Assert.Equal(500, ex.StatusCode);
        Assert.Contains("Evolution getBase64FromMediaMessage: HTTP 500", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evolution400MessageNotFound_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var e = VoiceNote();
        await host.ArchiveAsync(e.RawBlob, Upsert(e.ProviderMessageId!, base64: null));
        host.Server.Given(Request.Create().WithPath(GetBase64Path).UsingPost()).RespondWith(Response.Create().WithStatusCode(400).WithBodyAsJson(new
        {
            status = 400, error = "Bad Request", response = new { message = new[] { "Message not found" } },
        }));

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => Fetcher(host).FetchAsync(e, "test", CancellationToken.None));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("Message not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvolutionAnswersWithoutBase64_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var e = VoiceNote();
        await host.ArchiveAsync(e.RawBlob, Upsert(e.ProviderMessageId!, base64: null));
        ServeGetBase64(host, "");

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => Fetcher(host).FetchAsync(e, "test", CancellationToken.None));

        Assert.Contains("answered 201 without base64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingAvailable_PermanentNamingEachMissingSource()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?> { [$"Omni:Instances:{ActionsHost.Instance}:ServerUrl"] = null });
        var e = VoiceNote();
        await host.ArchiveAsync(e.RawBlob, Upsert(e.ProviderMessageId!, base64: null));

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => Fetcher(host).FetchAsync(e, "transform.stt.audio", CancellationToken.None));

        Assert.StartsWith("transform.stt.audio: the event's media cannot be fetched: its media_url is encrypted WhatsApp media (mmg.whatsapp.net); " +
                          $"the archived payload {e.RawBlob} has no data.message.base64; " +
                          "the instance 'demo' has no Evolution server configured (Omni:Instances:demo:ServerUrl and ApiKey).", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.LogEntries);
    }
}
