using Microsoft.Extensions.DependencyInjection;
using Omni.Local.Tests.Support;
using Omni.Services.Connections;

namespace Omni.Local.Tests;

/// <summary><c>GET /api/registry</c>: the whole marketplace a UI builds its pickers from.</summary>
[Collection(UsesAzurite.Name)]
public sealed class RegistryApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Registry_ConnectionsCategoriesActionsAndBlocks()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);

        var registry = await host.GetJsonAsync("/api/registry");

        var connections = registry.GetProperty("connections").EnumerateArray().ToList();
        Assert.Equal(["connection.evolution", "connection.discord", "connection.telegram", "connection.slack", "connection.webhook"],
            connections.Select(c => c.GetProperty("id").GetString()));
        var telegram = connections[2];
        Assert.Equal("/api/webhooks/telegram/{instance}", telegram.GetProperty("webhook_path").GetString());
        Assert.Equal(["route.reply", "route.forward.cross_channel"], telegram.GetProperty("outbound_actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains(telegram.GetProperty("settings").EnumerateArray(), s =>
            s.GetProperty("key").GetString() == "Omni__Instances__<name>__WebhookSecret" && s.GetProperty("secret").GetBoolean() && s.GetProperty("required").GetBoolean());
        Assert.Empty(connections[4].GetProperty("outbound_actions").EnumerateArray());
        Assert.Contains(connections[3].GetProperty("setup").EnumerateArray(), s => s.GetString()!.Contains("chat:write", StringComparison.Ordinal));

        var categories = registry.GetProperty("categories").EnumerateArray().ToList();
        Assert.Equal(["guard", "transform", "route", "validate", "persist", "meta", "workflow"], categories.Select(c => c.GetProperty("id").GetString()));
        Assert.Contains("route.forward.cross_channel", categories[2].GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Empty(categories[2].GetProperty("not_available").EnumerateArray());
        Assert.Empty(categories[4].GetProperty("not_available").EnumerateArray());
        Assert.Equal(["workflow.smart_decision"], categories[6].GetProperty("actions").EnumerateArray().Select(a => a.GetString()));

        var actions = (await host.GetJsonAsync("/api/registry/actions")).GetProperty("actions");
        Assert.Equal(actions.GetRawText(), registry.GetProperty("actions").GetRawText());

        var blocks = registry.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(["trigger", "action_step", "provider_chain", "retry", "follow_up", "wait_for", "if_step", "stop_step"],
            blocks.Select(b => b.GetProperty("id").GetString()));
        Assert.Equal(["event_kinds", "content_types", "when"], blocks[0].GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("/api/workflows/schema#/$defs/if_step", blocks[6].GetProperty("schema_ref").GetString());
    }

    [Fact]
    public async Task ConnectionCatalog_NamesEveryProviderThisBuildVerifies_AndItsSendersMatchRouteReply()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);

        Assert.Empty(ConnectionCatalog.Check(
            host.Services.GetServices<IWebhookVerifier>().Select(v => v.Provider),
            host.Services.GetServices<IChannelSender>().Select(s => s.Provider)));
    }
}
