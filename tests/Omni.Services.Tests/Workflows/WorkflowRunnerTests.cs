using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Omni.Engine.Events;
using Omni.Engine.Workflows.Actions;
using Omni.Engine.Workflows.Running;
using Omni.Services.Tests.Support;
using Omni.Services.Workflows;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Services.Tests.Workflows;

/// <summary>
/// The offline runner driving the seed playbooks against real parts: Azurite for runs, guards and the effect ledger,
/// WireMock for Evolution's sendText, the agent and the reminder webhook; a fake clock for follow-ups.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowRunnerTests(AzuriteFixture azurite) : IDisposable
{
    private const string ReminderPath = "/hooks/reminders";
    private readonly string _seeds = Directory.CreateTempSubdirectory("omni-seeds").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-05T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => Directory.Delete(_seeds, recursive: true);

    private async Task<(ActionsHost Host, WorkflowRunner Runner, WorkflowStore Store)> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var host = await ActionsHost.StartAsync(azurite, settings, configure: s => s.AddSingleton<TimeProvider>(_clock));
        foreach (var file in Directory.GetFiles(WorkflowSeeds.Locate(null)!, "*.yaml"))
        {
            var yaml = (await File.ReadAllTextAsync(file)).Replace("https://hooks.example.com/omni/reminders", host.Url + ReminderPath, StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(_seeds, Path.GetFileName(file)), yaml);
        }

        var store = new WorkflowStore(host.Storage, new WorkflowOptions { SeedDirectory = _seeds }, ActionRegistry.Default, _clock);
        Evolution.AnswerSendText(host);
        Providers.Chat(host, "/v1/chat/completions", "Tudo ótimo, e você?");
        host.Server.Given(Request.Create().WithPath(ReminderPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        return (host, new WorkflowRunner(store, host.Registry, host.Storage, _clock), store);
    }

    [Fact]
    public async Task DirectText_OneAgentReply_DuplicateEventStartsNoSecondRun()
    {
        var (host, runner, store) = await StartAsync();
        await using var _ = host;
        using var __ = store;
        var evt = ActionsHost.TextEvent();

        var runs = await runner.StartAsync(evt, CancellationToken.None);
        var again = await runner.StartAsync(evt, CancellationToken.None);

        var runId = Assert.Single(runs);
        Assert.Empty(again);
        var sent = Assert.Single(host.Server.Requests(Evolution.SendTextPath));
        Assert.Equal("Tudo ótimo, e você?", sent.Json().GetProperty("text").GetString());
        Assert.Single(host.Server.Requests("/v1/chat/completions"));
        var run = Assert.Single(await runner.ListForEventAsync(evt.Instance, evt.EventId, CancellationToken.None));
        Assert.Equal(runId, run.RunId);
        Assert.Equal(("reply-to-direct-text", "completed", RunOutcomes.Completed), (run.WorkflowId, run.Status, run.Outcome));
        Assert.Equal(["limit-sender", "ask-agent", "reply"], run.Audit.Select(a => a.StepId));
        Assert.All(run.Audit, a => Assert.Equal("completed", a.Status));
        Assert.Equal("evolution", run.Audit[2].Provider);
        Assert.Equal(3, run.History.Count);
    }

    [Fact]
    public async Task LongTextAndLongAnswer_HistoryAndEventSpanColumns_RunCompletes()
    {
        var (host, runner, store) = await StartAsync();
        await using var _ = host;
        using var __ = store;
        host.Server.Reset();
        Evolution.AnswerSendText(host);
        var answer = string.Concat(Enumerable.Repeat("Resposta longa. ", 4_000)); // 64,000 chars: more than one table column
        Providers.Chat(host, "/v1/chat/completions", answer);
        var evt = ActionsHost.TextEvent(string.Concat(Enumerable.Repeat("Pergunta longa? ", 3_000)));

        await runner.StartAsync(evt, CancellationToken.None);

        var run = Assert.Single(await runner.ListForEventAsync(evt.Instance, evt.EventId, CancellationToken.None));
        Assert.Equal(("completed", RunOutcomes.Completed), (run.Status, run.Outcome));
        Assert.Equal(answer, Assert.Single(host.Server.Requests(Evolution.SendTextPath)).Json().GetProperty("text").GetString());
        Assert.Equal(3, run.History.Count);
    }

    [Fact]
    public async Task SelfMessage_NoReply_ReminderFiresOnceAfter24h()
    {
        var (host, runner, store) = await StartAsync();
        await using var _ = host;
        using var __ = store;
        var own = ActionsHost.TextEvent("até amanhã") with { FromMe = true };

        await runner.StartAsync(own, CancellationToken.None);

        Assert.Empty(host.Server.Requests(Evolution.SendTextPath));
        var runs = await runner.ListForEventAsync(own.Instance, own.EventId, CancellationToken.None);
        Assert.Equal(["ignore-self", "remind-if-no-reply"], runs.Select(r => r.WorkflowId).Order(StringComparer.Ordinal));
        var ignored = runs.Single(r => r.WorkflowId == "ignore-self");
        Assert.Equal(RunOutcomes.Skipped, ignored.Outcome);
        Assert.Equal("waiting", runs.Single(r => r.WorkflowId == "remind-if-no-reply").Status);

        _clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await runner.FireDueTimersAsync(CancellationToken.None));
        Assert.Empty(host.Server.Requests(ReminderPath));

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await runner.FireDueTimersAsync(CancellationToken.None));
        Assert.Equal(0, await runner.FireDueTimersAsync(CancellationToken.None));
        Assert.Single(host.Server.Requests(ReminderPath));
        var remind = (await runner.ListForEventAsync(own.Instance, own.EventId, CancellationToken.None)).Single(r => r.WorkflowId == "remind-if-no-reply");
        Assert.Equal(("completed", RunOutcomes.Completed), (remind.Status, remind.Outcome));
    }

    [Fact]
    public async Task SelfMessage_ContactReplies_NoReminder()
    {
        var (host, runner, store) = await StartAsync();
        await using var _ = host;
        using var __ = store;
        var own = ActionsHost.TextEvent("até amanhã") with { FromMe = true };
        await runner.StartAsync(own, CancellationToken.None);

        _clock.Advance(TimeSpan.FromHours(2));
        await runner.StartAsync(ActionsHost.TextEvent("oi!"), CancellationToken.None); // the contact answers in the same chat

        var remind = (await runner.ListForEventAsync(own.Instance, own.EventId, CancellationToken.None)).Single(r => r.WorkflowId == "remind-if-no-reply");
        Assert.Equal("completed", remind.Status);
        Assert.Equal(StepStatuses.Skipped, Assert.Single(remind.Steps).Status); // unless: replied
        Assert.Empty(remind.Audit); // the notify action never ran
        _clock.Advance(TimeSpan.FromHours(30));
        Assert.Equal(0, await runner.FireDueTimersAsync(CancellationToken.None));
        Assert.Empty(host.Server.Requests(ReminderPath));
    }

    [Fact]
    public async Task Restart_AfterAStep_ResumesFromHistoryWithoutRepeatingIt()
    {
        var (host, runner, store) = await StartAsync();
        await using var _ = host;
        using var __ = store;
        var evt = ActionsHost.TextEvent();

        // The agent fails transiently once: the run saves its progress and waits on a retry timer (as a host that stops there).
        host.Server.Reset();
        Evolution.AnswerSendText(host);
        host.Server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).InScenario("agent").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503));
        host.Server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).InScenario("agent").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(Providers.ChatCompletion("Tudo ótimo, e você?")));
        await runner.StartAsync(evt, CancellationToken.None);
        var waiting = Assert.Single(await runner.ListForEventAsync(evt.Instance, evt.EventId, CancellationToken.None));
        Assert.Equal("waiting", waiting.Status);
        Assert.Single(waiting.History); // limit-sender done

        // A new runner (a restarted host) on the same storage finishes it: the guard is not asked again.
        var restarted = new WorkflowRunner(store, host.Registry, host.Storage, _clock);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await restarted.FireDueTimersAsync(CancellationToken.None));
        var done = Assert.Single(await restarted.ListForEventAsync(evt.Instance, evt.EventId, CancellationToken.None));
        Assert.Equal(RunOutcomes.Completed, done.Outcome);
        Assert.Equal(["limit-sender", "ask-agent", "ask-agent", "reply"], done.Audit.Select(a => a.StepId));
        Assert.Equal(2, done.Audit[2].Attempts);
        Assert.Single(host.Server.Requests(Evolution.SendTextPath));
    }

    [Fact]
    public async Task ContactOverride_StoredVipList_LaterStepsUseTheOverridesAgentAndPrompt()
    {
        using var concierge = WireMockServer.Start();
        concierge.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(Providers.ChatCompletion("Olá! Como posso ajudar hoje?")));
        var (host, runner, store) = await StartAsync(new Dictionary<string, string?>
        {
            ["Omni:Agents:concierge:Endpoint"] = concierge.Urls[0] + "/v1",
            ["Omni:Agents:concierge:ApiKey"] = "sk-concierge",
            ["Omni:Agents:concierge:Model"] = "gpt-4o",
        });
        await using var _ = host;
        using var __ = store;
        const string yaml = """
            id: reply-to-direct-text
            version: 2
            scope: demo
            trigger: { event_kinds: [message], content_types: [text], when: "!from_me" }
            steps:
              - id: vip
                action: guard.contact_override.vip
                with: { agent: concierge, system_prompt: "You are the VIP concierge." }
              - id: ask-agent
                action: route.agent.default
                with:
                  agent: "{{ steps.vip.output.agent }}"
                  system_prompt: "{{ steps.vip.output.system_prompt }}"
              - id: reply
                action: route.reply
                with: { text: "{{ steps.ask-agent.output.text }}" }
            """;
        var parsed = Omni.Engine.Workflows.WorkflowParser.Parse(yaml, ActionRegistry.Default);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        await store.AddAsync(parsed.Definition!, yaml, CancellationToken.None);
        const string anaIdentity = "idn_0123456789abcdef0123456789abcdef";
        await host.Services.GetRequiredService<Omni.Services.Contacts.ContactListStore>().AddAsync("demo", "vip", anaIdentity, CancellationToken.None);

        var vip = ActionsHost.TextEvent("Oi!") with { IdentityId = anaIdentity };
        var other = ActionsHost.TextEvent("Oi!", conversation: "5511999990002@s.whatsapp.net");
        await runner.StartAsync(vip, CancellationToken.None);
        await runner.StartAsync(other, CancellationToken.None);

        var asked = Assert.Single(concierge.LogEntries);
        Assert.Equal("Bearer sk-concierge", asked.Header("Authorization"));
        Assert.Contains("You are the VIP concierge.", asked.Json().GetRawText(), StringComparison.Ordinal);
        var fallback = Assert.Single(host.Server.Requests("/v1/chat/completions"));
        Assert.Contains("You are Omni's helpful assistant.", fallback.Json().GetRawText(), StringComparison.Ordinal);
        Assert.Equal(["Olá! Como posso ajudar hoje?", "Tudo ótimo, e você?"],
            host.Server.Requests(Evolution.SendTextPath).Select(r => r.Json().GetProperty("text").GetString()).Order(StringComparer.Ordinal));
        var vipRun = Assert.Single(await runner.ListForEventAsync(vip.Instance, vip.EventId, CancellationToken.None));
        Assert.Equal(RunOutcomes.Completed, vipRun.Outcome);
        Assert.Equal("concierge", vipRun.Audit[1].Provider);
    }
}
