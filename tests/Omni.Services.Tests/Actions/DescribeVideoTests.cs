using Omni.Services.Actions;
using Omni.Services.Actions.Vision;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;

namespace Omni.Services.Tests.Actions;

/// <summary><c>transform.describe.video</c>: the whole video as a <c>video_url</c> content part (vLLM, Qwen-VL compatible mode).</summary>
[Collection(UsesAzurite.Name)]
public sealed class DescribeVideoTests(AzuriteFixture azurite)
{
    private const string VideoPath = Providers.VideoPath;
    private const string QwenPath = "/qwen/v1/chat/completions";

    [Fact]
    public async Task DescribeVideo_SendsPromptAndVideoAsDataUri_ReturnsDescription()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVideo(host);
        Providers.Chat(host, QwenPath, "A dog catches a frisbee on a beach.");

        var outcome = await host.Executor<DescribeVideoExecutor>().ExecuteAsync(ActionsHost.Invocation(DescribeVideoExecutor.Id,
            host.MediaEvent("video", VideoPath, "video/mp4"), new { language = "en" }).WithProvider("qwen-vl"), CancellationToken.None);

        var request = host.Server.OnlyRequest(QwenPath);
        Assert.Equal("Bearer qwen-key", request.Header("Authorization"));
        var body = request.Json();
        Assert.Equal("qwen2.5-vl-7b-instruct", body.GetProperty("model").GetString());
        var parts = body.GetProperty("messages")[0].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal("text", parts[0].GetProperty("type").GetString());
        Assert.Equal(DescribeVideoExecutor.DefaultPrompt + " Answer in the language with ISO 639-1 code 'en'.", parts[0].GetProperty("text").GetString());
        Assert.Equal("video_url", parts[1].GetProperty("type").GetString());
        Assert.Equal("data:video/mp4;base64," + Convert.ToBase64String(Providers.VideoBytes), parts[1].GetProperty("video_url").GetProperty("url").GetString());
        Assert.Equal("A dog catches a frisbee on a beach.", outcome.OutputString("text"));
        Assert.Equal("qwen-vl", outcome.OutputString("provider"));
    }

    [Fact]
    public async Task DescribeVideo_MediaIsAnImage_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeImage(host);

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<DescribeVideoExecutor>().ExecuteAsync(ActionsHost.Invocation(
            DescribeVideoExecutor.Id, host.MediaEvent("image", Providers.ImagePath, "image/jpeg")).WithProvider("qwen-vl"), CancellationToken.None));
        Assert.Contains("not a video", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeVideo_ProviderRejectsTheVideo_PermanentSoTheChainMovesOn()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVideo(host);
        host.Server.Given(Request.Create().WithPath(QwenPath).UsingPost()).RespondWith(
            Providers.Error(400, "The video file is too long or its format is not supported.", "invalid_request_error", "InvalidParameter"));

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<DescribeVideoExecutor>().ExecuteAsync(ActionsHost.Invocation(
            DescribeVideoExecutor.Id, host.MediaEvent("video", VideoPath, "video/mp4")).WithProvider("qwen-vl"), CancellationToken.None));
        Assert.Equal(400, ex.StatusCode);
    }

    [Fact]
    public async Task DescribeVideo_Chain_LocalUnconfigured_QwenDescribes()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVideo(host);
        Providers.Chat(host, QwenPath, "Someone waves at the camera.");

        var outcome = await host.Chains.RunAsync(host.Executor<DescribeVideoExecutor>(), ActionsHost.Invocation(DescribeVideoExecutor.Id,
            host.MediaEvent("video", VideoPath, "video/mp4")), ["local", "qwen-vl"], null, CancellationToken.None);

        Assert.Equal("qwen-vl", outcome.Provider);
        Assert.Contains("Omni:Providers:local:Endpoint", outcome.Chain![0].Error, StringComparison.Ordinal);
    }
}
