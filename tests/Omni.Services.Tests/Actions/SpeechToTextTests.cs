using Omni.Services.Actions;
using Omni.Services.Actions.Speech;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Actions;

/// <summary><c>transform.stt.audio</c> and its chain (groq → openai → assemblyai) against WireMock providers.</summary>
[Collection(UsesAzurite.Name)]
public sealed class SpeechToTextTests(AzuriteFixture azurite)
{
    private static readonly string[] DefaultChain = ["groq", "openai", "assemblyai"];

    private static ActionInvocation Voice(ActionsHost host, object? parameters = null) =>
        ActionsHost.Invocation(SpeechToTextExecutor.Id, host.MediaEvent("audio", Providers.VoicePath, "audio/ogg; codecs=opus", forwarded: true), parameters);

    private static Task<ActionOutcome> RunChainAsync(ActionsHost host, ActionInvocation invocation, ChainOptions? options = null) =>
        host.Chains.RunAsync(host.Executor<SpeechToTextExecutor>(), invocation, DefaultChain, options, CancellationToken.None);

    [Fact]
    public async Task Groq_PostsMultipartWhisperRequestWithBearerKey_ReturnsTrimmedTextAndLanguage()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        Providers.Transcribe(host, Providers.GroqPath, "Oi, chego às cinco.");

        var outcome = await host.Executor<SpeechToTextExecutor>().ExecuteAsync(
            Voice(host, new { language = "pt", prompt = "Omni" }).WithProvider("groq"), CancellationToken.None);

        var request = host.Server.OnlyRequest(Providers.GroqPath);
        Assert.Equal("Bearer " + ActionsHost.GroqKey, request.Header("Authorization"));
        var form = await request.FormAsync();
        Assert.Equal(Providers.VoiceBytes, form["file"].Bytes);
        Assert.Equal("voice.ogg", form["file"].FileName); // from the media URL; the APIs sniff the format from the extension
        Assert.Equal("audio/ogg", form["file"].ContentType);
        Assert.Equal("whisper-large-v3", form["model"].Text());
        Assert.Equal("verbose_json", form["response_format"].Text());
        Assert.Equal("pt", form["language"].Text());
        Assert.Equal("Omni", form["prompt"].Text());
        Assert.Equal("Oi, chego às cinco.", outcome.OutputString("text"));
        Assert.Equal("portuguese", outcome.OutputString("language"));
        Assert.Equal("groq", outcome.Provider);
    }

    [Fact]
    public async Task OpenAi_PostsToV1WithWhisper1()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        Providers.Transcribe(host, Providers.OpenAiTranscriptionsPath, "See you at five.", "english");

        var outcome = await host.Executor<SpeechToTextExecutor>().ExecuteAsync(Voice(host).WithProvider("openai"), CancellationToken.None);

        var request = host.Server.OnlyRequest(Providers.OpenAiTranscriptionsPath);
        Assert.Equal("Bearer " + ActionsHost.OpenAiKey, request.Header("Authorization"));
        var form = await request.FormAsync();
        Assert.Equal("whisper-1", form["model"].Text());
        Assert.False(form.ContainsKey("language"));
        Assert.Equal("See you at five.", outcome.OutputString("text"));
        Assert.Equal("english", outcome.OutputString("language"));
    }

    [Fact]
    public async Task Chain_GroqAnswers500_OpenAiTranscribes_OutcomeNamesOpenAiAndAttempts()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        Providers.Fail(host, Providers.GroqPath, 500);
        Providers.Transcribe(host, Providers.OpenAiTranscriptionsPath, "Chego às cinco.");

        var outcome = await RunChainAsync(host, Voice(host));

        Assert.Equal("openai", outcome.Provider);
        Assert.Equal("Chego às cinco.", outcome.OutputString("text"));
        Assert.Equal(2, outcome.Attempts);
        Assert.Collection(outcome.Chain!,
            groq =>
            {
                Assert.Equal(("groq", 1, false), (groq.Provider, groq.Attempts, groq.Succeeded));
                Assert.Contains("HTTP 500", groq.Error, StringComparison.Ordinal);
            },
            openai => Assert.Equal(("openai", 1, true, (string?)null), (openai.Provider, openai.Attempts, openai.Succeeded, openai.Error)));
        Assert.Single(host.Server.Requests(Providers.GroqPath));
        Assert.Single(host.Server.Requests(Providers.OpenAiTranscriptionsPath));
        Assert.Empty(host.Server.Requests("/v2/upload"));
    }

    [Fact]
    public async Task Groq429WithRetryAfter7_TransientWithRetryAfter7Seconds()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        Providers.Fail(host, Providers.GroqPath, 429, retryAfter: "7");

        var ex = await Assert.ThrowsAsync<TransientActionException>(() =>
            host.Executor<SpeechToTextExecutor>().ExecuteAsync(Voice(host).WithProvider("groq"), CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Equal(429, ex.StatusCode);
        Assert.Contains("rate_limit_exceeded", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChainOfGroqOnly_429_ChainThrowsTransientWithTheProvidersRetryAfter()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        Providers.Fail(host, Providers.GroqPath, 429, retryAfter: "7");

        var ex = await Assert.ThrowsAsync<TransientActionException>(() =>
            host.Chains.RunAsync(host.Executor<SpeechToTextExecutor>(), Voice(host), ["groq"], null, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Equal(("groq", 1), (ex.Chain![0].Provider, ex.Chain[0].Attempts));
    }

    [Fact]
    public async Task Chain_RetryAfterShortEnough_RetriesSameProviderAfterWaiting()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        host.Server.Given(Request.Create().WithPath(Providers.GroqPath).UsingPost()).InScenario("groq").WillSetStateTo("recovered")
            .RespondWith(Providers.Error(429, "Rate limit reached", "seconds", "rate_limit_exceeded").WithHeader("retry-after", "2"));
        host.Server.Given(Request.Create().WithPath(Providers.GroqPath).UsingPost()).InScenario("groq").WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(Providers.VerboseTranscription("Tudo certo.")));

        var outcome = await RunChainAsync(host, Voice(host), new ChainOptions { AttemptsPerProvider = 2 });

        Assert.Equal(("groq", 2), (outcome.Provider, outcome.Attempts));
        Assert.Equal(2, outcome.Chain![0].Attempts);
        Assert.Equal([TimeSpan.FromSeconds(2)], host.Delays.Requested);
    }

    [Fact]
    public async Task Groq_NoAnswerWithinTimeout_Transient()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?> { ["Omni:Providers:groq:Timeout"] = "00:00:00.300" });
        Providers.ServeVoiceNote(host);
        host.Server.Given(Request.Create().WithPath(Providers.GroqPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(Providers.VerboseTranscription("late")).WithDelay(TimeSpan.FromSeconds(3)));

        var ex = await Assert.ThrowsAsync<TransientActionException>(() =>
            host.Executor<SpeechToTextExecutor>().ExecuteAsync(Voice(host).WithProvider("groq"), CancellationToken.None));

        Assert.Contains("no answer within 0.3 s", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.StatusCode);
    }

    [Fact]
    public async Task Chain_GroqTimesOut_OpenAiTranscribes()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?> { ["Omni:Providers:groq:Timeout"] = "00:00:00.300" });
        Providers.ServeVoiceNote(host);
        host.Server.Given(Request.Create().WithPath(Providers.GroqPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(Providers.VerboseTranscription("late")).WithDelay(TimeSpan.FromSeconds(3)));
        Providers.Transcribe(host, Providers.OpenAiTranscriptionsPath, "No horário.");

        var outcome = await RunChainAsync(host, Voice(host));

        Assert.Equal("openai", outcome.Provider);
        Assert.Equal("No horário.", outcome.OutputString("text"));
    }

    [Theory]
    [InlineData("As an AI language model, I cannot listen to audio files.")]
    [InlineData("I'm sorry, but I can't transcribe this audio.")]
    [InlineData("Sure! Here is the transcription of your audio:")]
    [InlineData("   ")]
    public async Task Chain_GroqResultFailsCheck_MovesToOpenAi(string groqText)
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        Providers.Transcribe(host, Providers.GroqPath, groqText);
        Providers.Transcribe(host, Providers.OpenAiTranscriptionsPath, "Pode me ligar amanhã?");

        var outcome = await RunChainAsync(host, Voice(host));

        Assert.Equal("openai", outcome.Provider);
        Assert.Equal("Pode me ligar amanhã?", outcome.OutputString("text"));
        Assert.Contains("check failed", outcome.Chain![0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OrdinarySpeechMentioningAi_Passes()
    {
        var outcome = new ActionOutcome
        {
            Output = System.Text.Json.JsonSerializer.SerializeToElement(new { text = "Sure, I'll bring the AI report tomorrow; I'm sorry I can't come today." }),
        };

        Assert.Null(ResultChecks.NotAssistantReply(outcome));
        Assert.Null(ResultChecks.NonEmptyText(outcome));
    }

    [Fact]
    public async Task AssemblyAi_UploadsRawBytesCreatesTranscriptAndPollsUntilCompleted()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        const string transcriptId = "6b4c1d5e-2f3a-4b5c-8d9e-0f1a2b3c4d5e";
        host.Server.Given(Request.Create().WithPath("/v2/upload").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { upload_url = "https://cdn.assemblyai.com/upload/f756988d-47e2-4ca3-96ce-04bb168f8f2a" }));
        host.Server.Given(Request.Create().WithPath("/v2/transcript").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
            {
                id = transcriptId, status = "queued", audio_url = "https://cdn.assemblyai.com/upload/f756988d-47e2-4ca3-96ce-04bb168f8f2a", text = (string?)null,
            }));
        host.Server.Given(Request.Create().WithPath($"/v2/transcript/{transcriptId}").UsingGet()).InScenario("poll").WillSetStateTo("second")
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { id = transcriptId, status = "processing", text = (string?)null }));
        host.Server.Given(Request.Create().WithPath($"/v2/transcript/{transcriptId}").UsingGet()).InScenario("poll").WhenStateIs("second")
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
            {
                id = transcriptId, status = "completed", text = "Bom dia, tudo certo para amanhã.", language_code = "pt", confidence = 0.93, audio_duration = 3,
            }));

        var outcome = await host.Executor<SpeechToTextExecutor>().ExecuteAsync(Voice(host).WithProvider("assemblyai"), CancellationToken.None);

        var upload = host.Server.OnlyRequest("/v2/upload");
        Assert.Equal(ActionsHost.AssemblyAiKey, upload.Header("authorization"));
        Assert.Equal("application/octet-stream", upload.Header("Content-Type"));
        Assert.Equal(Providers.VoiceBytes, upload.BodyBytes());
        var create = host.Server.OnlyRequest("/v2/transcript");
        Assert.Equal(ActionsHost.AssemblyAiKey, create.Header("authorization"));
        Assert.Equal("https://cdn.assemblyai.com/upload/f756988d-47e2-4ca3-96ce-04bb168f8f2a", create.Json().GetProperty("audio_url").GetString());
        Assert.True(create.Json().GetProperty("language_detection").GetBoolean());
        var polls = host.Server.Requests($"/v2/transcript/{transcriptId}");
        Assert.Equal(2, polls.Count);
        Assert.All(polls, p => Assert.Equal(ActionsHost.AssemblyAiKey, p.Header("authorization")));
        Assert.Equal([SpeechToTextExecutor.AssemblyAiPollInterval, SpeechToTextExecutor.AssemblyAiPollInterval], host.Delays.Requested);
        Assert.Equal("Bom dia, tudo certo para amanhã.", outcome.OutputString("text"));
        Assert.Equal("pt", outcome.OutputString("language"));
        Assert.Equal("assemblyai", outcome.Provider);
    }

    [Fact]
    public async Task AssemblyAi_TranscriptError_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        host.Server.Given(Request.Create().WithPath("/v2/upload").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { upload_url = "https://cdn.assemblyai.com/upload/x" }));
        host.Server.Given(Request.Create().WithPath("/v2/transcript").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { id = "t1", status = "queued" }));
        host.Server.Given(Request.Create().WithPath("/v2/transcript/t1").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
            {
                id = "t1", status = "error", error = "Transcoding failed. File does not appear to contain audio. File type is application/octet-stream (data).",
            }));

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() =>
            host.Executor<SpeechToTextExecutor>().ExecuteAsync(Voice(host).WithProvider("assemblyai"), CancellationToken.None));
        Assert.Contains("does not appear to contain audio", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chain_GroqAndOpenAiFail_AssemblyAiTranscribes()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?> { ["Omni:Providers:openai:ApiKey"] = null });
        Providers.ServeVoiceNote(host);
        Providers.Fail(host, Providers.GroqPath, 503);
        host.Server.Given(Request.Create().WithPath("/v2/upload").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { upload_url = "https://cdn.assemblyai.com/upload/y" }));
        host.Server.Given(Request.Create().WithPath("/v2/transcript").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { id = "t2", status = "completed", text = "Até já.", language_code = "pt" }));

        var outcome = await RunChainAsync(host, Voice(host));

        Assert.Equal("assemblyai", outcome.Provider);
        Assert.Equal(3, outcome.Attempts);
        Assert.Contains("ApiKey is not set", outcome.Chain![1].Error, StringComparison.Ordinal);
        Assert.Empty(host.Server.Requests(Providers.OpenAiTranscriptionsPath));
    }

    [Fact]
    public async Task Chain_EveryProviderFailsOneTransiently_TransientWithEachProvidersError()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        Providers.Fail(host, Providers.GroqPath, 429, retryAfter: "30");
        host.Server.Given(Request.Create().WithPath(Providers.OpenAiTranscriptionsPath).UsingPost())
            .RespondWith(Providers.Error(401, "Incorrect API key provided: sk-opena***test.", "invalid_request_error", "invalid_api_key"));
        host.Server.Given(Request.Create().WithPath("/v2/upload").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(500).WithBodyAsJson(new { error = "Internal server error" }));

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => RunChainAsync(host, Voice(host)));

        Assert.Equal(TimeSpan.FromSeconds(30), ex.RetryAfter);
        Assert.Equal(["groq", "openai", "assemblyai"], ex.Chain!.Select(c => c.Provider));
        Assert.Contains("invalid_api_key", ex.Chain![1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chain_EveryProviderFailsPermanently_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath(Providers.VoicePath).UsingGet()).RespondWith(Response.Create().WithStatusCode(404));

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => RunChainAsync(host, Voice(host)));

        Assert.Equal(3, ex.Chain!.Count);
        Assert.All(ex.Chain, c => Assert.Contains("GET media: HTTP 404", c.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EventWithoutAnyMediaSource_PermanentNamingWhatIsMissing()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?> { [$"Omni:Instances:{ActionsHost.Instance}:ServerUrl"] = null });
        var invocation = Voice(host).WithProvider("groq") with { Event = ActionsHost.TextEvent() with { ContentType = "audio", MediaUrl = null } };

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<SpeechToTextExecutor>().ExecuteAsync(invocation, CancellationToken.None));
        Assert.Contains("the event has no media_url; the archived payload evolution/demo/2026/01/05/12/ing_1 no longer exists; " +
                        "the instance 'demo' has no Evolution server configured", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.LogEntries);
    }
}
