using Omni.Services.Actions;
using Omni.Services.Connections;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Actions;

/// <summary><c>route.reply</c> against a WireMock Evolution API server answering like Evolution v2's sendText.</summary>
[Collection(UsesAzurite.Name)]
public sealed class EvolutionReplyTests(AzuriteFixture azurite)
{
    private const string SendTextPath = Evolution.SendTextPath;

    [Fact]
    public async Task Reply_DirectChat_PostsSendTextWithApikeyAndReturnsKeyId()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Evolution.AnswerSendText(host);
        var invocation = ActionsHost.Invocation(RouteReplyExecutor.Id, ActionsHost.TextEvent(), new { text = "Olá! Como posso ajudar?" });

        var outcome = await host.Executor<RouteReplyExecutor>().ExecuteAsync(invocation, CancellationToken.None);

        var request = host.Server.OnlyRequest(SendTextPath);
        Assert.Equal("POST", request.Method());
        Assert.Equal(ActionsHost.EvolutionKey, request.Header("apikey"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        var body = request.Json();
        Assert.Equal("5511999990001@s.whatsapp.net", body.GetProperty("number").GetString());
        Assert.Equal("Olá! Como posso ajudar?", body.GetProperty("text").GetString());
        Assert.False(body.TryGetProperty("quoted", out _));
        Assert.Equal("3EB0A1B2C3D4E5F60718", outcome.OutputString("message_id"));
        Assert.Equal("PENDING", outcome.OutputString("status"));
        Assert.Equal("evolution", outcome.Provider);
    }

    [Fact]
    public async Task Reply_GroupWithQuote_SendsToGroupJidQuotingTheTriggeringMessage()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Evolution.AnswerSendText(host, jid: "120363041234567890@g.us");
        var e = ActionsHost.TextEvent(conversation: "120363041234567890@g.us", isGroup: true);

        await host.Executor<RouteReplyExecutor>().ExecuteAsync(
            ActionsHost.Invocation(RouteReplyExecutor.Id, e, new { text = "Anotado", quote = true }), CancellationToken.None);

        var body = host.Server.OnlyRequest(SendTextPath).Json();
        Assert.Equal("120363041234567890@g.us", body.GetProperty("number").GetString());
        var key = body.GetProperty("quoted").GetProperty("key");
        Assert.Equal("3EB0C431C26A1D3D8F11", key.GetProperty("id").GetString());
        Assert.Equal("120363041234567890@g.us", key.GetProperty("remoteJid").GetString());
        Assert.False(key.GetProperty("fromMe").GetBoolean());
    }

    [Fact]
    public async Task Reply_NoEvolutionInstanceSetting_UsesOmniInstanceName()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?> { [$"Omni:Instances:{ActionsHost.Instance}:EvolutionInstance"] = "" });
        host.Server.Given(Request.Create().WithPath("/message/sendText/" + ActionsHost.Instance).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(Evolution.SentMessage("3EB0FFFF", "5511999990001@s.whatsapp.net", "x")));

        var outcome = await host.Executor<RouteReplyExecutor>().ExecuteAsync(
            ActionsHost.Invocation(RouteReplyExecutor.Id, ActionsHost.TextEvent(), new { text = "hi" }), CancellationToken.None);

        Assert.Equal("3EB0FFFF", outcome.OutputString("message_id"));
    }

    [Fact]
    public async Task Reply_Unauthorized_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath(SendTextPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(401)
            .WithBodyAsJson(new { status = 401, error = "Unauthorized", response = new { message = "Unauthorized" } }));

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<RouteReplyExecutor>().ExecuteAsync(
            ActionsHost.Invocation(RouteReplyExecutor.Id, ActionsHost.TextEvent(), new { text = "hi" }), CancellationToken.None));
        Assert.Equal(401, ex.StatusCode);
        Assert.Contains("Unauthorized", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_NumberDoesNotExist_PermanentWithEvolutionsReason()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath(SendTextPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(400).WithBodyAsJson(new
        {
            status = 400,
            error = "Bad Request",
            response = new { message = new[] { new { jid = "5511999990001@s.whatsapp.net", exists = false, number = "5511999990001" } } },
        }));

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<RouteReplyExecutor>().ExecuteAsync(
            ActionsHost.Invocation(RouteReplyExecutor.Id, ActionsHost.TextEvent(), new { text = "hi" }), CancellationToken.None));
        Assert.Contains("\"exists\":false", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Reply_ServerError_TransientAndProviderSaidNothingWasSent(int status)
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath(SendTextPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(status)
            .WithBodyAsJson(new { status, error = "Internal Server Error", response = new { message = "Connection Closed" } }));

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => host.Executor<RouteReplyExecutor>().ExecuteAsync(
            ActionsHost.Invocation(RouteReplyExecutor.Id, ActionsHost.TextEvent(), new { text = "hi" }), CancellationToken.None));
        Assert.Equal(status, ex.StatusCode);
        Assert.False(ex.MayHaveTakenEffect);
    }

    [Fact]
    public async Task Reply_NoText_PermanentWithoutCallingEvolution()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Evolution.AnswerSendText(host);

        await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<RouteReplyExecutor>().ExecuteAsync(
            ActionsHost.Invocation(RouteReplyExecutor.Id, ActionsHost.TextEvent(), new { text = "  " }), CancellationToken.None));
        Assert.Empty(host.Server.LogEntries);
    }

    [Fact]
    public async Task Reply_NoServerUrlConfigured_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite, new Dictionary<string, string?> { [$"Omni:Instances:{ActionsHost.Instance}:ServerUrl"] = null });

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<RouteReplyExecutor>().ExecuteAsync(
            ActionsHost.Invocation(RouteReplyExecutor.Id, ActionsHost.TextEvent(), new { text = "hi" }), CancellationToken.None));
        Assert.Contains("ServerUrl", ex.Message, StringComparison.Ordinal);
    }
}
