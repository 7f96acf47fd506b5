using System.Net;
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
/// <c>route.escalate.human</c> with <c>wait_for: resolved</c> end to end: the run notifies a human (a WireMock webhook),
/// waits, and goes on when <c>POST /api/runs/{run_id}/events/resolved</c> arrives, or when the timeout passes (fake clock).
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowEscalationTests(AzuriteFixture azurite) : IDisposable
{
    private const string SendText = "/message/sendText/evo-demo";
    private const string Hook = "/hooks/escalations";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2025-11-24T16:00:30Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => _server.Stop();

    private string Workflow() => $$$"""
        id: escalate-refunds
        version: 1
        scope: demo
        trigger:
          event_kinds: [message]
          content_types: [text]
          when: "!from_me && text matches '(?i)refund'"
        steps:
          - id: escalate
            action: route.escalate.human
            with:
              url: "{{{_server.Urls[0]}}}{{{Hook}}}"
              reason: "Refund request from {{ sender_name }}"
              assignee: support
            wait_for: { event: resolved, timeout: 4h }
          - id: answer
            action: route.reply
            when: "steps.escalate.status == 'completed'"
            with:
              text: "Resolved: {{ steps.escalate.event.note }}"
          - id: apologize
            action: route.reply
            when: "steps.escalate.timed_out"
            with:
              text: "Sorry, nobody could answer yet."
        """;

    private async Task<OmniHost> StartAsync()
    {
        _server.Given(Request.Create().WithPath(SendText).UsingPost()).RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(new
        {
            key = new { remoteJid = "5511999990001@s.whatsapp.net", fromMe = true, id = "3EB0REPLY0000002" },
            status = "PENDING",
        }));
        _server.Given(Request.Create().WithPath(Hook).UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
        var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?>
        {
            [$"Omni:Instances:{OmniHost.Instance}:ServerUrl"] = _server.Urls[0],
            [$"Omni:Instances:{OmniHost.Instance}:ApiKey"] = "evo-api-key",
            [$"Omni:Instances:{OmniHost.Instance}:EvolutionInstance"] = "evo-demo",
            ["Omni:Notify:AllowHttp"] = "true",
        }, configure: b => b.Services.AddSingleton<TimeProvider>(_clock));
        using var put = await host.Client.PutAsync("/api/workflows/escalate-refunds", new StringContent(Workflow(), Encoding.UTF8, "application/yaml"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        return host;
    }

    private static async Task<JsonElement> EscalatedRunAsync(OmniHost host)
    {
        await host.IngestAsync(EvolutionPayloads.Text("3EB0REFUND00001", "I want a refund for order 42"));
        await host.DrainWorkflowsAsync();
        var eventId = Assert.Single(await host.ListEventsAsync()).GetProperty("event_id").GetString()!;
        var runs = (await host.GetJsonAsync($"/api/events/{eventId}/actions")).GetProperty("runs").EnumerateArray();
        return Assert.Single(runs, r => r.GetProperty("workflow_id").GetString() == "escalate-refunds");
    }

    private static async Task<HttpResponseMessage> RaiseAsync(OmniHost host, string runId, string name, string? body) =>
        await host.Client.PostAsync($"/api/runs/{runId}/events/{name}",
            body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response) =>
        JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()).GetProperty("error").GetProperty("message").GetString()!;

    [Fact]
    public async Task Escalation_NotifiesAndWaits_ResolvedEventResumesTheRun_OnlyOnce()
    {
        await using var host = await StartAsync();
        var run = await EscalatedRunAsync(host);
        var runId = run.GetProperty("run_id").GetString()!;

        // The human was told, with the way back; the run waits and nothing was sent to the contact.
        var notice = JsonSerializer.Deserialize<JsonElement>(Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == Hook).RequestMessage!.Body!);
        Assert.Equal(("escalation", runId, "support"), (notice.GetProperty("type").GetString(), notice.GetProperty("run_id").GetString(), notice.GetProperty("assignee").GetString()));
        Assert.Equal($"/api/runs/{runId}/events/resolved", notice.GetProperty("resolve").GetProperty("path").GetString());
        Assert.Equal(("waiting", "resolved"), (run.GetProperty("status").GetString(), run.GetProperty("waiting_for").GetString()));
        Assert.Equal(DateTimeOffset.Parse("2025-11-24T20:00:30Z", System.Globalization.CultureInfo.InvariantCulture),
            run.GetProperty("waiting_until").GetDateTimeOffset()); // 4h after the notice went out
        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage!.Path == SendText);

        // Wrong event name, malformed payload, unknown run: clear errors, and the run still waits.
        using (var other = await RaiseAsync(host, runId, "approved", "{}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
            Assert.Contains("waiting for 'resolved', not 'approved'", await ErrorMessageAsync(other), StringComparison.Ordinal);
        }

        using (var malformed = await RaiseAsync(host, runId, "resolved", "{\"note\": "))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }

        using (var badName = await RaiseAsync(host, runId, "no spaces!", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        }

        using (var unknown = await RaiseAsync(host, "wf_00000000000000000000000000000000", "resolved", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        Assert.Equal("waiting", (await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString());

        // The human resolves it: the run goes on with the payload, replies once, and takes no second "resolved".
        using (var resolved = await RaiseAsync(host, runId, "resolved", """{"note": "refund sent"}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, resolved.StatusCode);
        }

        var done = await host.GetJsonAsync($"/api/runs/{runId}");
        Assert.Equal(("completed", "completed"), (done.GetProperty("status").GetString(), done.GetProperty("outcome").GetString()));
        var sent = JsonSerializer.Deserialize<JsonElement>(Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == SendText).RequestMessage!.Body!);
        Assert.Equal("Resolved: refund sent", sent.GetProperty("text").GetString());
        var steps = done.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("step_id").GetString()!, s => s.GetProperty("status").GetString());
        Assert.Equal("completed", steps["escalate"]);
        Assert.Equal("skipped", steps["apologize"]);

        using var again = await RaiseAsync(host, runId, "resolved", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("is completed", await ErrorMessageAsync(again), StringComparison.Ordinal);
        Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == SendText);
    }

    [Fact]
    public async Task Escalation_NobodyAnswersWithinTheTimeout_RunTimesOutAndApologizes()
    {
        await using var host = await StartAsync();
        var runId = (await EscalatedRunAsync(host)).GetProperty("run_id").GetString()!;
        var runner = host.Services.GetRequiredService<WorkflowRunner>();

        _clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, await runner.FireDueTimersAsync(CancellationToken.None));
        Assert.Equal("waiting", (await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString());

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await runner.FireDueTimersAsync(CancellationToken.None));
        var done = await host.GetJsonAsync($"/api/runs/{runId}");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var escalate = done.GetProperty("steps").EnumerateArray().First(s => s.GetProperty("step_id").GetString() == "escalate");
        Assert.Equal("timed_out", escalate.GetProperty("status").GetString());
        var sent = JsonSerializer.Deserialize<JsonElement>(Assert.Single(_server.LogEntries, e => e.RequestMessage!.Path == SendText).RequestMessage!.Body!);
        Assert.Equal("Sorry, nobody could answer yet.", sent.GetProperty("text").GetString());

        using var late = await RaiseAsync(host, runId, "resolved", null);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }
}
