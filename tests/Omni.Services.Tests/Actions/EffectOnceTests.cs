using Azure.Data.Tables;
using Omni.Services.Actions;
using Omni.Services.Connections;
using Omni.Services.Storage;
using Omni.Services.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Services.Tests.Actions;

/// <summary>
/// The effect-once ledger (Azurite) around <c>route.reply</c> (WireMock Evolution): one (run, step), one sendText, whatever
/// retries, duplicates, replays, crashes and concurrent executions do.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class EffectOnceTests(AzuriteFixture azurite)
{
    private static ActionInvocation Reply(string runId = "run-1", string stepId = "reply") =>
        ActionsHost.Invocation(RouteReplyExecutor.Id, ActionsHost.TextEvent(), new { text = "Olá!" }, runId, stepId);

    [Fact]
    public async Task SameRunAndStepTwice_OneSendText_SecondReturnsTheRecordedOutcome()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Evolution.AnswerSendText(host, id: "3EB0SENTONCE0001");

        var first = await host.Registry.ExecuteAsync(Reply());
        var second = await host.Registry.ExecuteAsync(Reply());

        Assert.Single(host.Server.Requests(Evolution.SendTextPath));
        Assert.Equal(EffectState.Sent, first.Effect);
        Assert.Equal(EffectState.AlreadySent, second.Effect);
        Assert.Equal("3EB0SENTONCE0001", second.OutputString("message_id"));
        Assert.Equal("evolution", second.Provider);
        var record = await host.Ledger.GetAsync("run-1", "reply", CancellationToken.None);
        Assert.Equal(EffectStatus.Sent, record!.Status);
        Assert.Equal(RouteReplyExecutor.Id, record.ActionId);
    }

    [Fact]
    public async Task TwoConcurrentExecutions_OneSendText_BothReportTheSameMessage()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Delays.Real = true;
        Evolution.AnswerSendText(host, id: "3EB0CONCURRENT01", delay: TimeSpan.FromMilliseconds(700));

        var outcomes = await Task.WhenAll(host.Registry.ExecuteAsync(Reply()), host.Registry.ExecuteAsync(Reply()));

        Assert.Single(host.Server.Requests(Evolution.SendTextPath));
        Assert.All(outcomes, o => Assert.Equal("3EB0CONCURRENT01", o.OutputString("message_id")));
        Assert.Equal([EffectState.Sent, EffectState.AlreadySent], outcomes.Select(o => o.Effect!.Value).Order());
    }

    [Fact]
    public async Task DifferentSteps_EachSendsOnce()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Evolution.AnswerSendText(host);

        await host.Registry.ExecuteAsync(Reply(stepId: "reply"));
        await host.Registry.ExecuteAsync(Reply(stepId: "reply-again"));
        await host.Registry.ExecuteAsync(Reply(runId: "run-2", stepId: "reply"));

        Assert.Equal(3, host.Server.Requests(Evolution.SendTextPath).Count);
    }

    [Fact]
    public async Task KeysWithReservedCharacters_AreEscapedAndStillOnce()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Evolution.AnswerSendText(host);

        await host.Registry.ExecuteAsync(Reply(runId: "evt_demo_1/wf#2?v=1", stepId: "steps/reply\\1"));
        var again = await host.Registry.ExecuteAsync(Reply(runId: "evt_demo_1/wf#2?v=1", stepId: "steps/reply\\1"));

        Assert.Single(host.Server.Requests(Evolution.SendTextPath));
        Assert.Equal(EffectState.AlreadySent, again.Effect);
    }

    [Fact]
    public async Task CrashAfterRecordingBeforeSending_StalePending_UnknownAndNeverSent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Evolution.AnswerSendText(host);
        // What an execution leaves when the host dies between the ledger write and the HTTP call.
        await host.Storage.Effects.AddEntityAsync(new TableEntity(TableKeys.Escape("run-1"), TableKeys.Escape("reply"))
        {
            ["Status"] = EffectStatus.Pending,
            ["ActionId"] = RouteReplyExecutor.Id,
            ["Owner"] = "dead-worker",
            ["ClaimedAt"] = DateTimeOffset.UtcNow.AddMinutes(-10),
        });

        var outcome = await host.Registry.ExecuteAsync(Reply());
        var again = await host.Registry.ExecuteAsync(Reply());

        Assert.Empty(host.Server.Requests(Evolution.SendTextPath));
        Assert.Equal(EffectState.Unknown, outcome.Effect);
        Assert.Equal("unknown", outcome.OutputString("effect"));
        Assert.Contains("not resent", outcome.Summary, StringComparison.Ordinal);
        Assert.Equal(EffectState.Unknown, again.Effect);
        Assert.Equal(EffectStatus.Unknown, (await host.Ledger.GetAsync("run-1", "reply", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task FreshPendingThatNeverCompletes_WaitsOutTheLeaseThenUnknown()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Evolution.AnswerSendText(host);
        var (claimed, _) = await host.Ledger.TryClaimAsync(Reply(), "other-worker", CancellationToken.None);
        Assert.True(claimed);
        var executor = new EffectOnceExecutor(host.Executor<RouteReplyExecutor>(), host.Ledger, host.Delays, TimeProvider.System,
            new EffectOnceOptions { Lease = TimeSpan.FromSeconds(1), PollInterval = TimeSpan.FromMilliseconds(100) });

        var outcome = await executor.ExecuteAsync(Reply(), CancellationToken.None);

        Assert.Equal(EffectState.Unknown, outcome.Effect);
        Assert.Equal(10, host.Delays.Requested.Count); // polled for the whole lease (instant waits), then gave up
        Assert.Empty(host.Server.Requests(Evolution.SendTextPath));
    }

    [Fact]
    public async Task ProviderAnswered500_ClaimReleased_RetrySendsOnce()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath(Evolution.SendTextPath).UsingPost()).InScenario("evo").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(500).WithBodyAsJson(new { status = 500, error = "Internal Server Error", response = new { message = "Connection Closed" } }));
        host.Server.Given(Request.Create().WithPath(Evolution.SendTextPath).UsingPost()).InScenario("evo").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(201).WithBodyAsJson(Evolution.SentMessage("3EB0AFTERRETRY01", "5511999990001@s.whatsapp.net", "Olá!")));

        await Assert.ThrowsAsync<TransientActionException>(() => host.Registry.ExecuteAsync(Reply()));
        Assert.Null(await host.Ledger.GetAsync("run-1", "reply", CancellationToken.None));
        var retried = await host.Registry.ExecuteAsync(Reply());
        var replayed = await host.Registry.ExecuteAsync(Reply());

        Assert.Equal(2, host.Server.Requests(Evolution.SendTextPath).Count); // the failed one and the one that sent
        Assert.Equal(EffectState.Sent, retried.Effect);
        Assert.Equal("3EB0AFTERRETRY01", replayed.OutputString("message_id"));
        Assert.Equal(EffectState.AlreadySent, replayed.Effect);
    }

    [Fact]
    public async Task NoAnswerWithinTimeout_UnknownAndNotResentOnRetry()
    {
        await using var host = await ActionsHost.StartAsync(azurite,
            new Dictionary<string, string?> { [$"Omni:Instances:{ActionsHost.Instance}:SendTimeout"] = "00:00:00.300" });
        Evolution.AnswerSendText(host, delay: TimeSpan.FromSeconds(1.5));

        var outcome = await host.Registry.ExecuteAsync(Reply());
        var retry = await host.Registry.ExecuteAsync(Reply());

        // WireMock logs a request once it has answered it (1.5 s later): wait for it, then past when a resend would show.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (host.Server.Requests(Evolution.SendTextPath).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(host.Server.Requests(Evolution.SendTextPath));
        Assert.Equal(EffectState.Unknown, outcome.Effect);
        Assert.Contains("no answer within 0.3 s", outcome.Summary, StringComparison.Ordinal);
        Assert.Equal(EffectState.Unknown, retry.Effect);
    }

    [Fact]
    public async Task PermanentRejection_RecordedFailed_DuplicateFailsWithoutCalling()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        host.Server.Given(Request.Create().WithPath(Evolution.SendTextPath).UsingPost()).RespondWith(Response.Create().WithStatusCode(400)
            .WithBodyAsJson(new { status = 400, error = "Bad Request", response = new { message = new[] { new { exists = false, number = "5511999990001" } } } }));

        await Assert.ThrowsAsync<PermanentActionException>(() => host.Registry.ExecuteAsync(Reply()));
        var duplicate = await Assert.ThrowsAsync<PermanentActionException>(() => host.Registry.ExecuteAsync(Reply()));

        Assert.Single(host.Server.Requests(Evolution.SendTextPath));
        Assert.Contains("earlier execution failed", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal(EffectStatus.Failed, (await host.Ledger.GetAsync("run-1", "reply", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task LedgerUnreachable_TransientAndNothingSent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Evolution.AnswerSendText(host);
        await host.Storage.Effects.DeleteAsync(); // every ledger write now answers 404

        var ex = await Assert.ThrowsAsync<TransientActionException>(() => host.Registry.ExecuteAsync(Reply()));

        Assert.Contains("effect ledger", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Server.Requests(Evolution.SendTextPath));
    }
}
