using Omni.Services.Actions;
using Omni.Services.Connections;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Connections;

/// <summary>A channel sender's errors name the action that sent: the audit line of a failed forward says forward, not reply.</summary>
[Collection(UsesAzurite.Name)]
public sealed class ForwardErrorTests(AzuriteFixture azurite)
{
    /// <summary>Evolution's answer for a number not on WhatsApp.</summary>
    private static void RefuseTheNumber(ActionsHost host) =>
        host.Server.Given(Request.Create().WithPath($"/message/sendText/{ActionsHost.EvolutionInstance}").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithBodyAsJson(new { status = 400, error = "Bad Request", response = new { message = new[] { "exists: false" } } }));

    [Fact]
    public async Task Forward_EvolutionRefusesTheNumber_ErrorNamesTheForwardAction()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        RefuseTheNumber(host);

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<ForwardCrossChannelExecutor>().ExecuteAsync(
            ActionsHost.Invocation(ForwardCrossChannelExecutor.Id, ActionsHost.TextEvent(), new { instance = ActionsHost.Instance, to = "5511999990003@s.whatsapp.net", text = "fyi" }),
            CancellationToken.None));

        Assert.StartsWith("route.forward.cross_channel: Evolution sendText: HTTP 400", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_EvolutionRefusesTheNumber_ErrorNamesTheReplyAction()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        RefuseTheNumber(host);

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() => host.Executor<RouteReplyExecutor>().ExecuteAsync(
            ActionsHost.Invocation(RouteReplyExecutor.Id, ActionsHost.TextEvent(), new { text = "oi" }), CancellationToken.None));

        Assert.StartsWith("route.reply: Evolution sendText: HTTP 400", ex.Message, StringComparison.Ordinal);
    }
}
