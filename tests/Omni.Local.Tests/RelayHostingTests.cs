using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Omni.Relay;
using Omni.Relay.Hosting;

namespace Omni.Local.Tests;

/// <summary>
/// Omni.Local hosts the Discord gateway relay only when an instance has Provider=discord and a BotToken, and points it at
/// its own webhook route unless Omni:Relay:OmniBaseUrl says otherwise. The host is built, never started (no Azurite).
/// </summary>
public class RelayHostingTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static WebApplication Build(Dictionary<string, string?> settings) =>
        OmniLocalApp.Build(["--environment", "Testing"], builder =>
        {
            settings["Omni:Storage:ConnectionString"] = "UseDevelopmentStorage=true";
            settings["Omni:Relay:StateDirectory"] = Path.Combine(Path.GetTempPath(), "omni-local-relay-" + Guid.NewGuid().ToString("N"));
            builder.Configuration.AddInMemoryCollection(settings);
        });

    [Fact]
    public async Task DiscordInstanceWithoutBotToken_RelayIsOff()
    {
        await using var app = Build(new()
        {
            ["Omni:Instances:demo-discord:Provider"] = "discord",
            ["Omni:Instances:demo-discord:WebhookSecret"] = Secret,
        });

        Assert.Empty(app.Services.GetServices<IHostedService>().OfType<DiscordRelayService>());
    }

    [Fact]
    public async Task DiscordInstanceWithBotToken_RelayIsHosted_PostingToThisHost()
    {
        await using var app = Build(new()
        {
            ["Omni:Instances:demo-discord:Provider"] = "discord",
            ["Omni:Instances:demo-discord:BotToken"] = "token",
            ["Omni:Instances:demo-discord:WebhookSecret"] = Secret,
            ["urls"] = "http://127.0.0.1:7099",
        });

        var relay = Assert.Single(app.Services.GetServices<IHostedService>().OfType<DiscordRelayService>());
        Assert.Equal("demo-discord", Assert.Single(relay.Relays).Name);
        Assert.Equal(new Uri("http://127.0.0.1:7099/"), app.Services.GetRequiredService<IOptions<RelayOptions>>().Value.OmniBaseUrl);
        Directory.Delete(relay.Relays[0].InstanceDirectory, recursive: true);
    }
}
