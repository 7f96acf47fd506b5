using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Workflows.Running;
using Omni.Functions.Tests.Support;
using Omni.Services.Workflows;

namespace Omni.Functions.Tests;

/// <summary>
/// The two drivers of the interpreter, Durable's <c>RunWorkflow</c> (production) and the offline <see cref="WorkflowRunner"/>
/// (Omni.Local), given the same event on fresh storage each: the audit API must read the same run, and the contact must
/// get the same single message.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DriverParityTests(AzuriteFixture azurite)
{
    private static readonly JsonSerializerOptions Indented = new(OmniJson.Options) { WriteIndented = true };

    private sealed record Observed(WorkflowRunView Run, IReadOnlyList<string> SentTexts);

    [Fact]
    public async Task RunWorkflowAndOfflineRunner_DirectText_SameAuditAndOneReplyEach()
    {
        var evt = Providers.Text("Oi, tudo bem?");

        var durable = await ObserveAsync(evt, async host =>
        {
            var run = Assert.Single(await host.IngestAsync(evt));
            await host.CompletionAsync(run.RunId);
            return run.RunId;
        });
        var offline = await ObserveAsync(evt, async host =>
        {
            Assert.True(await host.Events.TryAddAsync(evt, CancellationToken.None));
            return Assert.Single(await host.OfflineRunner.StartAsync(evt, CancellationToken.None)); // what Omni.Local's consumer calls
        });

        Assert.Equal(offline.Run.RunId, durable.Run.RunId); // run id = f(event, workflow version) in both
        Assert.Equal(Describe(offline.Run), Describe(durable.Run));
        Assert.Equal("completed", durable.Run.Outcome);
        Assert.Equal(["Tudo ótimo, e você?"], durable.SentTexts);
        Assert.Equal(offline.SentTexts, durable.SentTexts);
    }

    /// <summary>Runs the seed playbooks on a fresh host (its own storage prefix and WireMock), returns the run and what was sent.</summary>
    private async Task<Observed> ObserveAsync(OmniEvent evt, Func<DurableWorkflowHost, Task<string>> drive)
    {
        await using var host = await DurableWorkflowHost.StartAsync(azurite);
        host.Server.AnswerSendText();
        host.Server.AnswerChat("Tudo ótimo, e você?");
        var runId = await drive(host);
        var run = await host.RunAsync(runId);
        Assert.Equal(evt.EventId, run.EventId);
        return new Observed(run, [.. host.Server.Requests(Providers.SendTextPath).Select(r => r.Json().GetProperty("text").GetString()!)]);
    }

    /// <summary>The run as the audit API shows it, without what differs between any two runs (times, durations).</summary>
    private static string Describe(WorkflowRunView run) => JsonSerializer.Serialize(new
    {
        run.RunId,
        run.Instance,
        run.WorkflowId,
        run.Version,
        run.EventId,
        run.Status,
        run.Outcome,
        run.Summary,
        run.WaitingFor,
        Audit = run.Audit.Select(a => new { a.StepId, a.ActionId, a.Status, a.Provider, a.Attempts, a.Summary, a.Error, a.Tried }),
        run.Steps,
    }, Indented);
}
