using Omni.Engine.Workflows.Running;
using Omni.Functions.Tests.Support;
using Omni.Services.Workflows;

namespace Omni.Functions.Tests;

/// <summary>
/// A follow-up (<c>after</c> + <c>unless: replied</c>) under Durable: <c>RunWorkflow</c> races <c>contact_replied</c>
/// against a durable timer. The reply is raised by the queue trigger for the contact's next message, as in production.
/// </summary>
/// <remarks>
/// <c>after</c> is at least 1 minute, and counts from the event's time (docs/workflows.md, "Time"), so an own message
/// that occurred 1 minute minus <c>lead</c> ago has its reminder due <c>lead</c> after the run starts: real durable
/// timers, short tests, no time setting in production code.
/// </remarks>
[Collection(UsesAzurite.Name)]
public sealed class FollowUpTests(AzuriteFixture azurite)
{
    private const string HookPath = "/hooks/reminders";

    private const string RemindWorkflow = $$$"""
        id: remind-if-no-reply
        version: 1
        scope: demo
        trigger:
          event_kinds: [message]
          when: "from_me && !is_group"
        steps:
          - id: remind
            action: meta.notify.webhook
            after: 1m
            unless: "replied"
            with:
              url: "{{{DurableWorkflowHost.ServerUrl}}}{{{HookPath}}}"
              body: "No reply from {{ conversation_id }} to: {{ text }}"
        """;

    [Fact]
    public async Task RunWorkflow_FollowUpContactReplies_ReplyWinsTheRaceAndNoReminderIsSent()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [RemindWorkflow]);
        host.Server.AcceptPosts(HookPath);
        var own = Providers.Text("can you send the file?", fromMe: true, at: DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(20));

        var run = Assert.Single(await host.IngestAsync(own));
        var waiting = await host.RunWhenAsync(run.RunId, r => r.Status == RunStatuses.Waiting);
        Assert.Equal(WorkflowInterpreter.ContactRepliedEvent, waiting.WaitingFor);
        Assert.Equal(own.OccurredAt!.Value.AddMinutes(1), waiting.WaitingUntil!.Value, TimeSpan.FromMilliseconds(1)); // the table keeps milliseconds
        Assert.Equal([run.RunId], await host.Runs.ReplyWaitsAsync(own.Instance, own.ConversationId!, WorkflowInterpreter.ContactRepliedEvent, CancellationToken.None));

        var reply = Providers.Text("sent!");
        Assert.Empty(await host.IngestAsync(reply)); // starts no run of its own; the trigger raises contact_replied to the waiting one
        var done = await host.CompletionAsync(run.RunId);

        var remind = Assert.Single(done.Steps);
        Assert.Equal(("remind", StepStatuses.Skipped), (remind.StepId, remind.Status));
        var audited = await host.RunAsync(run.RunId);
        Assert.Equal((RunStatuses.Completed, RunOutcomes.Completed), (audited.Status, audited.Outcome));
        Assert.Empty(audited.Audit); // the webhook action never ran
        Assert.True(audited.CompletedAt < waiting.WaitingUntil, $"completed at {audited.CompletedAt:O}, before the reminder was due at {waiting.WaitingUntil:O}");
        Assert.Empty(host.Server.Requests(HookPath));
        Assert.Empty(await host.Runs.ReplyWaitsAsync(own.Instance, own.ConversationId!, WorkflowInterpreter.ContactRepliedEvent, CancellationToken.None)); // the wait is spent
    }

    [Fact]
    public async Task RunWorkflow_FollowUpNobodyReplies_TimerFiresAndTheReminderIsSentOnce()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [RemindWorkflow]);
        host.Server.AcceptPosts(HookPath);
        var own = Providers.Text("can you send the file?", fromMe: true, at: DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(2));

        var run = Assert.Single(await host.IngestAsync(own));
        var done = await host.CompletionAsync(run.RunId);

        Assert.Equal(RunOutcomes.Completed, done.Outcome);
        var remind = Assert.Single(done.Steps);
        Assert.Equal(("remind", StepStatuses.Completed), (remind.StepId, remind.Status));
        var notice = Assert.Single(host.Server.Requests(HookPath));
        Assert.True(notice.RequestMessage!.DateTime >= own.OccurredAt!.Value.AddMinutes(1).UtcDateTime.AddMilliseconds(-50), "not before the follow-up was due");
        Assert.Contains("No reply from 5511999990001@s.whatsapp.net to: can you send the file?", notice.Json().GetRawText(), StringComparison.Ordinal);
        var audited = await host.RunAsync(run.RunId);
        Assert.Equal([("remind", "meta.notify.webhook", "completed", 1)], audited.Audit.Select(a => (a.StepId, a.ActionId, a.Status, a.Attempts)));

        // A reply after the reminder went out: the run's wait is left over, but its orchestration has completed, and
        // production's Durable client refuses events for it (regression: the trigger raised anyway, so this message,
        // and every later reply in the conversation, failed). The spent wait is dropped; nothing more is sent.
        Assert.Equal([run.RunId], await host.Runs.ReplyWaitsAsync(own.Instance, own.ConversationId!, WorkflowInterpreter.ContactRepliedEvent, CancellationToken.None));
        await host.IngestAsync(Providers.Text("sorry, here it is"));
        Assert.Empty(await host.Runs.ReplyWaitsAsync(own.Instance, own.ConversationId!, WorkflowInterpreter.ContactRepliedEvent, CancellationToken.None));
        await host.DeliverAsync(own); // and the own message's queue message redelivered
        Assert.Equal(RunStatuses.Completed, (await host.RunAsync(run.RunId)).Status);
        Assert.Single(host.Server.Requests(HookPath));
    }

    [Fact]
    public async Task RunWorkflow_FollowUpReplyProcessedBeforeTheRunWaited_WaitingActivityReturnsItAndNoReminderIsSent()
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite, [RemindWorkflow]);
        host.Server.AcceptPosts(HookPath);
        var own = Providers.Text("can you send the file?", fromMe: true, at: DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(20));
        var reply = Providers.Text("sent!");

        // The contact's reply is processed first (the own message's run starts late, e.g. behind a queue backlog): no run
        // waits yet, so the trigger raises nothing; RunWaitingActivity finds the reply when the run starts waiting.
        Assert.Empty(await host.IngestAsync(reply));
        var run = Assert.Single(await host.IngestAsync(own));
        var done = await host.CompletionAsync(run.RunId);

        Assert.Equal(("remind", StepStatuses.Skipped), (Assert.Single(done.Steps).StepId, done.Steps[0].Status));
        var audited = await host.RunAsync(run.RunId);
        Assert.True(audited.CompletedAt < own.OccurredAt!.Value.AddMinutes(1), "completed before the reminder was due");
        Assert.Empty(audited.Audit);
        Assert.Empty(host.Server.Requests(HookPath));
    }
}
