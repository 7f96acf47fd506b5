using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Omni.Local.Tests.Support;
using Omni.Services.Workflows;
using Omni.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// "When a VIP writes and nobody answers within 2 hours, notify me", written as a user would from docs/workflows.md
/// (<c>after: 2h</c> + <c>unless: we_replied</c>), end to end through Omni.Local: the notification a WireMock webhook,
/// the host's clock a <see cref="FakeTimeProvider"/>. Our reply is an outbound message in the conversation, as Evolution
/// reports one sent from the owner's phone.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowConversationSignalTests(AzuriteFixture azurite) : IDisposable
{
    private const string Hook = "/hooks/vip";
    private const string Vip = "5511999990001@s.whatsapp.net";
    private const long T0 = 1764000000;
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeSeconds(T0 + 30));

    public void Dispose() => _server.Stop();

    private string Workflow(string unless) => $$$"""
        id: vip-waiting
        version: 1
        description: When a VIP writes and nobody answers within 2 hours, notify me
        lists:
          vip: ["{{{Vip}}}"]
        trigger:
          event_kinds: [message]
          when: "!from_me && !is_group && sender in list('vip')"
        steps:
          - id: notify-me
            action: meta.notify.webhook
            after: 2h
            unless: {{{unless}}}
            with:
              url: "{{{_server.Urls[0]}}}{{{Hook}}}"
              body: "{{ sender_name }} has waited 2 hours for an answer to: {{ text }}"
        """;

    private async Task<OmniHost> StartAsync(string unless = "we_replied")
    {
        _server.Given(Request.Create().WithPath(Hook).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?> { ["Omni:Notify:AllowHttp"] = "true" },
            configure: b => b.Services.AddSingleton<TimeProvider>(_clock));
        using var put = await host.Client.PutAsync("/api/workflows/vip-waiting", new StringContent(Workflow(unless), Encoding.UTF8, "application/yaml"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        return host;
    }

    private List<string> Alerts() =>
        [.. _server.LogEntries.Where(e => e.RequestMessage!.Path == Hook).Select(e => JsonSerializer.Deserialize<JsonElement>(e.RequestMessage!.Body!).GetRawText())];

    private async Task AfterAsync(OmniHost host, TimeSpan elapsed, int expectedFired)
    {
        _clock.Advance(elapsed);
        Assert.Equal(expectedFired, await host.Services.GetRequiredService<WorkflowRunner>().FireDueTimersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task OurReplyFromThePhone_CancelsTheAlert()
    {
        await using var host = await StartAsync();
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0VIP0000001", "preciso do contrato hoje", Vip, T0, fromMe: false));
        await host.DrainWorkflowsAsync();

        await AfterAsync(host, TimeSpan.FromMinutes(40), 0);
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0OWNER000001", "envio em 10 minutos", Vip, T0 + 2400, fromMe: true));
        await host.DrainWorkflowsAsync();
        await AfterAsync(host, TimeSpan.FromHours(3), 0);

        Assert.Empty(Alerts());
        var evt = (await host.ListEventsAsync()).Single(e => e.GetProperty("text").GetString() == "preciso do contrato hoje");
        var run = (await host.GetJsonAsync($"/api/events/{evt.GetProperty("event_id").GetString()}/actions")).GetProperty("runs").EnumerateArray()
            .Single(r => r.GetProperty("workflow_id").GetString() == "vip-waiting");
        var step = Assert.Single(run.GetProperty("steps").EnumerateArray());
        Assert.Equal("skipped", step.GetProperty("status").GetString());
        Assert.Equal("unless: we replied", step.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task VipWritesAgain_DoesNotCancel_AlertAtTwoHours()
    {
        await using var host = await StartAsync();
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0VIP0000002", "preciso do contrato hoje", Vip, T0, fromMe: false));
        await host.DrainWorkflowsAsync();
        await AfterAsync(host, TimeSpan.FromMinutes(30), 0);
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0VIP0000003", "alô?", Vip, T0 + 1800, fromMe: false));
        await host.DrainWorkflowsAsync();

        await AfterAsync(host, TimeSpan.FromMinutes(89), 0);
        await AfterAsync(host, TimeSpan.FromMinutes(1), 1); // 2 h after the first message
        var alert = Assert.Single(Alerts());
        Assert.Contains("preciso do contrato hoje", alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NobodyAnswers_NotifiedOnce()
    {
        await using var host = await StartAsync();
        var message = EvolutionPayloads.TextFrom("3EB0VIP0000004", "preciso do contrato hoje", Vip, T0, fromMe: false);
        await host.IngestAsync(message);
        await host.IngestAsync(message); // a redelivery starts nothing new
        await host.DrainWorkflowsAsync();

        await AfterAsync(host, TimeSpan.FromMinutes(119), 0);
        await AfterAsync(host, TimeSpan.FromMinutes(1), 1);
        await AfterAsync(host, TimeSpan.FromHours(48), 0);
        var alert = Assert.Single(Alerts());
        Assert.Contains("has waited 2 hours for an answer to: preciso do contrato hoje", alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplyDebtUnless_OurReplyClearsTheDebt_AlertSkipped()
    {
        await using var host = await StartAsync("\"!conversation.reply_debt\"");
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0VIP0000005", "preciso do contrato hoje", Vip, T0, fromMe: false));
        await host.DrainWorkflowsAsync();
        await AfterAsync(host, TimeSpan.FromMinutes(20), 0);
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0VIP0000006", "alô?", Vip, T0 + 1200, fromMe: false)); // still in debt: waits on
        await host.DrainWorkflowsAsync();
        await AfterAsync(host, TimeSpan.FromMinutes(20), 0);
        await host.IngestAsync(EvolutionPayloads.TextFrom("3EB0OWNER000002", "já envio", Vip, T0 + 2400, fromMe: true));
        await host.DrainWorkflowsAsync();
        await AfterAsync(host, TimeSpan.FromHours(3), 0);

        Assert.Empty(Alerts());
    }
}
