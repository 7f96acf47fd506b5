using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Omni.Local.Queue;
using Omni.Local.Tests.Support;
using Omni.Services.Workflows;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// "Remind after 24h unless replied" end to end through Omni.Local: the seed playbook's URL pointed at a WireMock
/// webhook by a new version over the config API, the host's clock a <see cref="FakeTimeProvider"/>.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowFollowUpTests(AzuriteFixture azurite) : IDisposable
{
    private const string Hook = "/hooks/reminders";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(1764000030));

    public void Dispose() => _server.Stop();

    private async Task<OmniHost> StartAsync()
    {
        _server.Given(Request.Create().WithPath(Hook).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?> { ["Omni:Notify:AllowHttp"] = "true" },
            configure: b => b.Services.AddSingleton<TimeProvider>(_clock));
        var seed = await File.ReadAllTextAsync(Path.Combine(WorkflowSeeds.Locate(null)!, "remind-if-no-reply.yaml"));
        var yaml = seed.Replace("version: 1", "version: 2", StringComparison.Ordinal)
            .Replace("https://hooks.example.com/omni/reminders", _server.Urls[0] + Hook, StringComparison.Ordinal);
        using var put = await host.Client.PutAsync("/api/workflows/remind-if-no-reply", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        return host;
    }

    private int Reminders() => _server.LogEntries.Count(e => e.RequestMessage!.Path == Hook);

    [Fact]
    public async Task NoReply_ReminderFiresOnceAfter24h()
    {
        await using var host = await StartAsync();
        var runner = host.Services.GetRequiredService<WorkflowRunner>();
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0FOLLOW0001", "can you send the file?", "5511999990001@s.whatsapp.net", 1764000000, fromMe: true));
        await host.DrainWorkflowsAsync();

        _clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await runner.FireDueTimersAsync(CancellationToken.None));
        Assert.Equal(0, Reminders());

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await runner.FireDueTimersAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromHours(48));
        Assert.Equal(0, await runner.FireDueTimersAsync(CancellationToken.None));
        var reminder = JsonSerializer.Deserialize<JsonElement>(Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == Hook).RequestMessage!.Body!);
        Assert.Contains("can you send the file?", reminder.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContactReplies_NoReminderEver()
    {
        await using var host = await StartAsync();
        var runner = host.Services.GetRequiredService<WorkflowRunner>();
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0FOLLOW0002", "can you send the file?", "5511999990001@s.whatsapp.net", 1764000000, fromMe: true));
        await host.DrainWorkflowsAsync();
        _clock.Advance(TimeSpan.FromHours(2));
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0FOLLOW0003", "sent!", "5511999990001@s.whatsapp.net", 1764007200, fromMe: false));
        await host.DrainWorkflowsAsync();

        _clock.Advance(TimeSpan.FromHours(30));
        Assert.Equal(0, await runner.FireDueTimersAsync(CancellationToken.None));
        Assert.Equal(0, Reminders());
    }
}
