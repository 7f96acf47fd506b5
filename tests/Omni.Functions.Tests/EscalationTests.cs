using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Workflows.Running;
using Omni.Functions.Tests.Support;
using Omni.Functions.Workflows;
using Omni.Services.Http;
using Omni.Services.Workflows;

namespace Omni.Functions.Tests;

/// <summary>
/// <c>route.escalate.human</c> with <c>wait_for: resolved</c> under Durable: the run notifies a human (a WireMock
/// webhook), waits on <c>WaitForExternalEvent</c> raced against a durable timer, and goes on when the Functions app's
/// <c>POST /api/runs/{run_id}/events/resolved</c> function (<see cref="WorkflowsFunctions.RaiseRunEvent"/>) raises the event through <see cref="DurableEventRaiser"/>.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class EscalationTests(AzuriteFixture azurite)
{
    private const string HookPath = "/hooks/escalations";

    private const string EscalateWorkflow = $$$"""
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
              url: "{{{DurableWorkflowHost.ServerUrl}}}{{{HookPath}}}"
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

    /// <summary>
    /// Calls the Functions app's <c>RaiseRunEvent</c> function itself (<see cref="WorkflowsFunctions.RaiseRunEvent"/>) with
    /// the HTTP request the ASP.NET Core integration would hand it, and the test's Durable client as its
    /// <c>[DurableClient]</c>. Returns the response's status code and body, written as the integration writes them.
    /// </summary>
    private static async Task<(int Status, JsonElement Body)> RaiseAsync(DurableWorkflowHost host, string runId, string name, string? body)
    {
        var context = new DefaultHttpContext { RequestServices = host.Services };
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = $"/api/runs/{Uri.EscapeDataString(runId)}/events/{Uri.EscapeDataString(name)}";
        context.Request.Headers[QueryKeyAuthorizer.Header] = DurableWorkflowHost.QueryKey;
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? ""));
        using var timeout = new CancellationTokenSource(DurableWorkflowHost.WaitBound);
        context.RequestAborted = timeout.Token;
        var function = new WorkflowsFunctions(host.Services.GetRequiredService<ApiDispatcher>());
        var result = await function.RaiseRunEvent(context.Request, host.Client);
        var response = new MemoryStream();
        context.Response.Body = response;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, JsonDocument.Parse(response.ToArray()).RootElement.Clone());
    }

    private static string ErrorMessage(JsonElement body) => body.GetProperty("error").GetProperty("message").GetString()!;

    [Fact]
    public async Task RunWorkflow_EscalationResolvedThroughTheRaiseEndpoint_RunResumesAndRepliesOnce()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [EscalateWorkflow]);
        host.Server.AnswerSendText();
        host.Server.AcceptPosts(HookPath);

        var run = Assert.Single(await host.IngestAsync(Providers.Text("I want a refund for order 42")));
        var waiting = await host.RunWhenAsync(run.RunId, r => r.Status == RunStatuses.Waiting);

        // The human was told, with the way back; the run waits for "resolved" and nothing went to the contact.
        Assert.Equal("resolved", waiting.WaitingFor);
        var escalated = Assert.Single(waiting.Audit);
        Assert.Equal(("escalate", "completed"), (escalated.StepId, escalated.Status));
        Assert.Equal(escalated.StartedAt.AddHours(4), waiting.WaitingUntil!.Value, TimeSpan.FromSeconds(30)); // 4 h after the notice
        var notice = Assert.Single(host.Server.Requests(HookPath)).Json();
        Assert.Equal(("escalation", run.RunId, "support"), (notice.GetProperty("type").GetString(), notice.GetProperty("run_id").GetString(), notice.GetProperty("assignee").GetString()));
        Assert.Equal($"/api/runs/{run.RunId}/events/resolved", notice.GetProperty("resolve").GetProperty("path").GetString());
        Assert.Empty(host.Server.Requests(Providers.SendTextPath));

        // Another event name is refused while it waits; "resolved" is delivered to the orchestration.
        var other = await RaiseAsync(host, run.RunId, "approved", "{}");
        Assert.Equal(StatusCodes.Status409Conflict, other.Status);
        Assert.Contains("waiting for 'resolved', not 'approved'", ErrorMessage(other.Body), StringComparison.Ordinal);
        var resolved = await RaiseAsync(host, run.RunId, "resolved", """{"note": "refund sent"}""");
        Assert.Equal(StatusCodes.Status202Accepted, resolved.Status);
        Assert.Equal((run.RunId, "resolved", true),
            (resolved.Body.GetProperty("run_id").GetString(), resolved.Body.GetProperty("event").GetString(), resolved.Body.GetProperty("delivered").GetBoolean()));

        var done = await host.CompletionAsync(run.RunId);
        Assert.Equal(RunOutcomes.Completed, done.Outcome);
        Assert.Equal("Resolved: refund sent", Assert.Single(host.Server.Requests(Providers.SendTextPath)).Json().GetProperty("text").GetString());
        Assert.Equal(
            [("escalate", StepStatuses.Completed), ("answer", StepStatuses.Completed), ("apologize", StepStatuses.Skipped)],
            done.Steps.Select(s => (s.StepId, s.Status)));
        var audited = await host.RunAsync(run.RunId);
        Assert.Equal((RunStatuses.Completed, RunOutcomes.Completed), (audited.Status, audited.Outcome));
        Assert.Equal([("escalate", "completed"), ("answer", "completed")], audited.Audit.Select(a => (a.StepId, a.Status)));

        // The run is over: a second "resolved" is refused, and nothing more is sent.
        var again = await RaiseAsync(host, run.RunId, "resolved", null);
        Assert.Equal(StatusCodes.Status409Conflict, again.Status);
        Assert.Contains("is completed", ErrorMessage(again.Body), StringComparison.Ordinal);
        Assert.Single(host.Server.Requests(Providers.SendTextPath));
    }

    /// <summary>
    /// A run record that still says "waiting" while its orchestration has ended (terminated by an operator, or failed
    /// outside an activity): the event is not raised to a finished instance (Azure Storage refuses that) but answered 409.
    /// </summary>
    [Fact]
    public async Task RaiseRunEvent_OrchestrationNoLongerRunning_409NotRaised()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [EscalateWorkflow]);
        host.Server.AnswerSendText();
        host.Server.AcceptPosts(HookPath);
        var run = Assert.Single(await host.IngestAsync(Providers.Text("refund, please")));
        await host.RunWhenAsync(run.RunId, r => r.Status == RunStatuses.Waiting);
        using var timeout = new CancellationTokenSource(DurableWorkflowHost.WaitBound);
        await host.Durable.Client.TerminateInstanceAsync(run.RunId, "operator", timeout.Token);
        await host.Durable.Client.WaitForInstanceCompletionAsync(run.RunId, timeout.Token);

        var raised = await RaiseAsync(host, run.RunId, "resolved", "{}");

        Assert.Equal(StatusCodes.Status409Conflict, raised.Status);
        Assert.Equal($"run '{run.RunId}' is no longer in progress, so it does not take 'resolved'", ErrorMessage(raised.Body));
        Assert.Empty(host.Server.Requests(Providers.SendTextPath));
    }

    /// <summary>
    /// Regression: RunWorkflow waited with <c>WaitForExternalEvent&lt;JsonElement&gt;</c>, and Durable cannot unbox an event
    /// raised without data (null) into a struct: the orchestration failed with a NullReferenceException and the run record
    /// stayed "waiting" for good. The offline runner takes a null payload (steps.escalate.event is null).
    /// </summary>
    [Fact]
    public async Task RunWorkflow_EscalationResolvedWithoutABody_RunResumesAndRepliesWithAnEmptyNote()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [EscalateWorkflow]);
        host.Server.AnswerSendText();
        host.Server.AcceptPosts(HookPath);
        var run = Assert.Single(await host.IngestAsync(Providers.Text("refund, please")));
        await host.RunWhenAsync(run.RunId, r => r.Status == RunStatuses.Waiting);

        Assert.Equal(StatusCodes.Status202Accepted, (await RaiseAsync(host, run.RunId, "resolved", null)).Status); // the body is optional

        var done = await host.CompletionAsync(run.RunId);
        Assert.Equal(RunOutcomes.Completed, done.Outcome);
        Assert.Equal("Resolved: ", Assert.Single(host.Server.Requests(Providers.SendTextPath)).Json().GetProperty("text").GetString());
        var audited = await host.RunAsync(run.RunId);
        Assert.Equal((RunStatuses.Completed, RunOutcomes.Completed), (audited.Status, audited.Outcome));
    }
}
