using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Omni.Local.Queue;
using Omni.Local.Tests.Support;
using Omni.TestSupport;

namespace Omni.Local.Tests;

/// <summary>New events start their workflows through the workflow-runs queue; the audit log is readable per event and per run.</summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowRunsApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task OwnMessage_RunsIgnoreSelfAndReminder_DuplicateStartsNothing_AuditReadable()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var payload = EvolutionPayloads.TextFrom("3EB0OWNMSG0001", "até amanhã", "5511999990001@s.whatsapp.net", 1764000000, fromMe: true);
        await host.IngestAsync(payload);
        await host.DrainWorkflowsAsync();
        await host.IngestAsync(payload); // the provider delivers it again
        await host.DrainWorkflowsAsync();

        var eventId = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;
        var actions = await host.GetJsonAsync($"/api/events/{eventId}/actions");
        var runs = actions.GetProperty("runs").EnumerateArray().OrderBy(r => r.GetProperty("workflow_id").GetString(), StringComparer.Ordinal).ToList();
        Assert.Equal(["ignore-self", "remind-if-no-reply"], runs.Select(r => r.GetProperty("workflow_id").GetString()));
        Assert.Equal("skipped", runs[0].GetProperty("outcome").GetString());
        var guard = Assert.Single(runs[0].GetProperty("audit").EnumerateArray());
        Assert.Equal(("guard.self_route", "completed"), (guard.GetProperty("action_id").GetString(), guard.GetProperty("status").GetString()));
        Assert.Equal("waiting", runs[1].GetProperty("status").GetString()); // the 24h follow-up

        var runId = runs[0].GetProperty("run_id").GetString()!;
        var run = await host.GetJsonAsync($"/api/runs/{runId}");
        Assert.Equal(eventId, run.GetProperty("event_id").GetString());
        using var missing = await host.Client.GetAsync("/api/runs/wf_00000000000000000000000000000000");
        Assert.True(missing.StatusCode == HttpStatusCode.NotFound, await missing.Content.ReadAsStringAsync());

        var trace = await host.GetJsonAsync($"/api/events/{eventId}/trace");
        Assert.Equal(2, trace.GetProperty("workflow_runs").GetArrayLength());
    }
}
