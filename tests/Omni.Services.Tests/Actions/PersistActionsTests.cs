using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using Omni.Services.Actions;
using Omni.Services.Actions.Meta;
using Omni.Services.Actions.Persist;
using Omni.Services.Analytics;
using Omni.Services.Conversations;
using Omni.Services.Events;
using Omni.Services.Identity;
using Omni.Services.Telemetry;
using Omni.Services.Tests.Support;
using Omni.Services.Workflows;

namespace Omni.Services.Tests.Actions;

/// <summary>
/// persist.summary, persist.tagging and meta.analytics.log through the executor registry, as a workflow step calls them,
/// against Azurite: what they store, what reads it back, and that running a step again (a replay) changes nothing.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class PersistActionsTests(AzuriteFixture azurite)
{
    private const string Chat = "5511999990001@s.whatsapp.net";

    private static async Task<ActionsHost> StartAsync(AzuriteFixture azurite)
    {
        var host = await ActionsHost.StartAsync(azurite);
        await host.Storage.EnsureCreatedAsync();
        return host;
    }

    /// <summary>A text event at <paramref name="time"/>, with an id the event store can place (<c>evt_{instance}_{32 hex}</c>).</summary>
    private static OmniEvent At(string time, string conversation = Chat) =>
        ActionsHost.TextEvent(conversation: conversation) with
        {
            EventId = $"evt_{ActionsHost.Instance}_{Guid.NewGuid():N}",
            OccurredAt = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture),
        };

    [Fact]
    public async Task Summary_NewestEventWins_ReplayOfAStepWritesNothing_OlderRunCannotReplaceIt()
    {
        await using var host = await StartAsync(azurite);
        var notes = host.Services.GetRequiredService<ConversationNotesStore>();
        Task<ActionOutcome> Summarize(OmniEvent e, string text, string run, string step = "summarize") =>
            host.Registry.ExecuteAsync(ActionsHost.Invocation(PersistSummaryExecutor.Id, e, new { text }, run, step) with { WorkflowId = "summarize-chats" });

        var noon = At("2026-01-05T12:00:00Z");
        var first = await Summarize(noon, "Ana asked for the invoice; we promised it by Friday.", "run-noon");
        Assert.True(first.Output.GetProperty("stored").GetBoolean());
        Assert.Equal(Chat, first.OutputString("conversation_id"));

        // The same step again (a replay, a retry) with whatever text: its own summary is found, nothing is written.
        var replay = await Summarize(noon, "a different rendering", "run-noon");
        Assert.True(replay.Output.GetProperty("stored").GetBoolean());
        var kept = (await notes.GetAsync(ActionsHost.Instance, Chat, CancellationToken.None)).Summary!;
        Assert.Equal("Ana asked for the invoice; we promised it by Friday.", kept.Text);
        Assert.Equal(first.Output.GetProperty("at").GetDateTimeOffset(), kept.At);
        Assert.Equal(("run-noon", "summarize-chats", "summarize", noon.EventId), (kept.RunId, kept.WorkflowId, kept.StepId, kept.EventId));

        // A newer event's run replaces it; a run of an older event (late, or replayed) does not.
        var evening = At("2026-01-05T18:00:00Z");
        Assert.True((await Summarize(evening, "Invoice sent; Ana confirmed.", "run-evening")).Output.GetProperty("stored").GetBoolean());
        var late = await Summarize(At("2026-01-05T09:00:00Z"), "Ana said hello.", "run-morning");
        Assert.False(late.Output.GetProperty("stored").GetBoolean());
        Assert.Contains(evening.EventId, late.Summary, StringComparison.Ordinal);
        Assert.Equal("Invoice sent; Ana confirmed.", (await notes.GetAsync(ActionsHost.Instance, Chat, CancellationToken.None)).Summary!.Text);

        // Long text is cut and says so; other conversations are untouched; a listing reads every conversation's notes.
        var other = await Summarize(At("2026-01-05T12:00:00Z", "5511999990002@s.whatsapp.net"), new string('x', 5_000), "run-other");
        Assert.True(other.Output.GetProperty("truncated").GetBoolean());
        var all = await notes.ListAsync(ActionsHost.Instance, CancellationToken.None);
        Assert.Equal(ConversationNotesStore.MaxSummaryChars, all["5511999990002@s.whatsapp.net"].Summary!.Text.Length);
        Assert.Equal("Invoice sent; Ana confirmed.", all[Chat].Summary!.Text);
    }

    [Fact]
    public async Task Summary_BlankTextOrNoConversation_FailsForGood()
    {
        await using var host = await StartAsync(azurite);
        await Assert.ThrowsAsync<PermanentActionException>(() =>
            host.Registry.ExecuteAsync(ActionsHost.Invocation(PersistSummaryExecutor.Id, ActionsHost.TextEvent(), new { text = "  " })));
        var presence = ActionsHost.TextEvent() with { ConversationId = null, EventKind = "presence" };
        var e = await Assert.ThrowsAsync<PermanentActionException>(() =>
            host.Registry.ExecuteAsync(ActionsHost.Invocation(PersistSummaryExecutor.Id, presence, new { text = "summary" })));
        Assert.Contains("no conversation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tagging_Conversation_NormalizedOnceEach_ListedSorted_BadTagFailsForGood()
    {
        await using var host = await StartAsync(azurite);
        Task<ActionOutcome> Tag(OmniEvent e, object parameters, string run = "run-1") =>
            host.Registry.ExecuteAsync(ActionsHost.Invocation(PersistTaggingExecutor.Id, e, parameters, run, "tag"));

        var e = ActionsHost.TextEvent();
        var first = await Tag(e, new { tags = new[] { " VIP ", "lead", "vip" } });
        Assert.Equal(("conversation", Chat, 2), (first.OutputString("target"), first.OutputString("id"), first.Output.GetProperty("added").GetInt32()));
        Assert.Equal(["vip", "lead"], first.Output.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var again = await Tag(e, new { tags = "lead, billing" }, run: "run-2"); // a template renders text: comma-separated
        Assert.Equal(1, again.Output.GetProperty("added").GetInt32());

        var notes = await host.Services.GetRequiredService<ConversationNotesStore>().GetAsync(ActionsHost.Instance, Chat, CancellationToken.None);
        Assert.Equal(["billing", "lead", "vip"], notes.Tags);

        var bad = await Assert.ThrowsAsync<PermanentActionException>(() => Tag(e, new { tags = new[] { "ok", "not ok!" } }));
        Assert.Contains("'not ok!'", bad.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PermanentActionException>(() => Tag(e, new { tags = Array.Empty<string>() }));
        await Assert.ThrowsAsync<PermanentActionException>(() => Tag(e, new { tags = Enumerable.Range(0, 21).Select(i => $"t{i}").ToArray() }));
        await Assert.ThrowsAsync<PermanentActionException>(() => Tag(e, new { tags = new[] { "vip" }, target = "planet" }));
    }

    [Fact]
    public async Task Tagging_Event_QueryableByTagIndex_WithOtherFilters_AndIdempotent()
    {
        await using var host = await StartAsync(azurite);
        var events = host.Services.GetRequiredService<EventStore>();
        var queries = new EventQueryService(events);
        var tagged = At("2026-01-05T12:00:00Z");
        var untagged = At("2026-01-05T12:01:00Z");
        var elsewhere = At("2026-01-05T12:02:00Z", "5511999990002@s.whatsapp.net");
        foreach (var e in new[] { tagged, untagged, elsewhere })
        {
            Assert.True(await events.TryAddAsync(e, CancellationToken.None));
        }

        async Task<int> TagAsync(OmniEvent e, string run) =>
            (await host.Registry.ExecuteAsync(ActionsHost.Invocation(PersistTaggingExecutor.Id, e, new { tags = new[] { "Invoice" }, target = "event" }, run)))
            .Output.GetProperty("added").GetInt32();

        Assert.Equal(1, await TagAsync(tagged, "run-1"));
        Assert.Equal(0, await TagAsync(tagged, "run-1")); // a replay
        Assert.Equal(1, await TagAsync(elsewhere, "run-3"));

        async Task<List<string>> Ids(EventQuery query) =>
            [.. (await queries.QueryAsync(query, [ActionsHost.Instance], 10, null, CancellationToken.None)).Events.Select(e => e.EventId)];

        Assert.Equal([elsewhere.EventId, tagged.EventId], await Ids(new EventQuery { Tag = "invoice" }));
        Assert.Equal([tagged.EventId], await Ids(new EventQuery { Tag = "invoice", ConversationId = Chat }));
        Assert.Equal([tagged.EventId], await Ids(new EventQuery { Tag = "invoice", To = untagged.OccurredAt }));
        Assert.Empty(await Ids(new EventQuery { Tag = "invoice", EventKind = "reaction" }));
        Assert.Empty(await Ids(new EventQuery { Tag = "other" }));
        Assert.Equal("tag must be " + Tags.Rule, new EventQuery { Tag = "Not OK" }.Validate());

        // An event that is not stored (yet) cannot be tagged: retried later.
        await Assert.ThrowsAsync<TransientActionException>(() => TagAsync(At("2026-01-05T12:03:00Z"), "run-4"));
    }

    [Fact]
    public async Task Tagging_Identity_ListedPerInstance_EventWithoutIdentityFailsForGood()
    {
        await using var host = await StartAsync(azurite);
        const string ana = "idn_0123456789abcdef0123456789abcdef";
        var e = ActionsHost.TextEvent() with { IdentityId = ana };
        var outcome = await host.Registry.ExecuteAsync(ActionsHost.Invocation(PersistTaggingExecutor.Id, e, new { tags = new[] { "customer" }, target = "identity" }));
        Assert.Equal(ana, outcome.OutputString("id"));

        var tags = host.Services.GetRequiredService<IdentityTags>();
        Assert.Equal([ana], await tags.ListAsync([ActionsHost.Instance], "customer", CancellationToken.None));
        Assert.Empty(await tags.ListAsync(["other-instance"], "customer", CancellationToken.None));
        await Assert.ThrowsAsync<PermanentActionException>(() =>
            host.Registry.ExecuteAsync(ActionsHost.Invocation(PersistTaggingExecutor.Id, ActionsHost.TextEvent(), new { tags = new[] { "customer" }, target = "identity" })));
    }

    [Fact]
    public async Task AnalyticsLog_OneRecordPerRunStep_WithVersionOutcomeAndStepDurations_CountedOnce()
    {
        await using var host = await StartAsync(azurite);
        var name = "replied-" + Guid.NewGuid().ToString("N")[..8];
        var counted = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OmniTelemetry.Name && instrument.Name == "omni.analytics.records")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var map = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            if (Equals(map.GetValueOrDefault(OmniTelemetry.AnalyticsNameTag), name))
            {
                lock (counted)
                {
                    counted.Add((value, map));
                }
            }
        });
        listener.Start();

        // The run as both hosts keep it: created with its workflow version, then one audit line per step attempt.
        var runs = host.Services.GetRequiredService<WorkflowRunStore>();
        var definition = WorkflowParser.Parse("""
            id: vip-watch
            version: 3
            scope: "*"
            trigger: { event_kinds: [message] }
            steps:
              - id: ask-agent
                action: route.agent.default
              - id: log
                action: meta.analytics.log
                with: { name: replied }
            """, ActionRegistry.Default).Definition!;
        var e = ActionsHost.TextEvent();
        var started = DateTimeOffset.Parse("2026-01-05T12:00:01Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await runs.TryCreateAsync(definition, e, "run-vip", started, CancellationToken.None));
        var t = started;
        await runs.AppendAuditAsync(e.Instance, "run-vip", new StepAudit("ask-agent", "route.agent.default", "failed", "default", 1, t, 120.5, null, "503"), CancellationToken.None);
        await runs.AppendAuditAsync(e.Instance, "run-vip", new StepAudit("ask-agent", "route.agent.default", "completed", "default", 2, t, 80, "ok", null), CancellationToken.None);

        var invocation = ActionsHost.Invocation(AnalyticsLogExecutor.Id, e, new { name, tags = new[] { "VIP", "whatsapp" } }, "run-vip", "log") with { WorkflowId = "vip-watch" };
        var first = await host.Registry.ExecuteAsync(invocation);
        var again = await host.Registry.ExecuteAsync(invocation); // a replay of the step
        Assert.True(first.Output.GetProperty("recorded").GetBoolean());
        Assert.False(again.Output.GetProperty("recorded").GetBoolean());
        Assert.Equal("completed", first.OutputString("outcome"));

        var store = host.Services.GetRequiredService<AnalyticsStore>();
        var record = Assert.Single((await store.ListAsync(e.Instance, null, null, null, null, 10, null, CancellationToken.None)).Records);
        Assert.Equal((name, "vip-watch", 3, "run-vip", "log", e.EventId, "completed", started),
            (record.Name, record.WorkflowId, record.WorkflowVersion, record.RunId, record.StepId, record.EventId, record.Outcome, record.At));
        Assert.Equal(["vip", "whatsapp"], record.Tags);
        var step = Assert.Single(record.Steps);
        Assert.Equal(("ask-agent", "route.agent.default", "completed", 2, 200.5), (step.StepId, step.ActionId, step.Status, step.Attempts, step.DurationMs));

        var count = Assert.Single(counted);
        Assert.Equal(1, count.Value);
        Assert.Equal(("vip-watch", ActionsHost.Instance, "completed"),
            (count.Tags[OmniTelemetry.WorkflowTag], count.Tags[OmniTelemetry.InstanceTag], count.Tags[OmniTelemetry.OutcomeTag]));

        await Assert.ThrowsAsync<PermanentActionException>(() =>
            host.Registry.ExecuteAsync(ActionsHost.Invocation(AnalyticsLogExecutor.Id, e, new { name = "has spaces" }, "run-x", "log")));
    }

    [Fact]
    public async Task AnalyticsLog_FailedStepBefore_OutcomeFailed_NoRunRecord_FallsBackToTheEvent_ListFiltersAndPages()
    {
        await using var host = await StartAsync(azurite);
        var store = host.Services.GetRequiredService<AnalyticsStore>();
        var runs = host.Services.GetRequiredService<WorkflowRunStore>();
        var e = ActionsHost.TextEvent();
        await runs.EnsureCreatedAsync(CancellationToken.None);

        var loose = await host.Registry.ExecuteAsync(ActionsHost.Invocation(AnalyticsLogExecutor.Id, e, new { name = "seen" }, "run-a", "log") with { WorkflowId = "wf-a" });
        Assert.Equal(e.ReceivedAt, loose.Output.GetProperty("at").GetDateTimeOffset()); // no run record: the event's time

        var definition = WorkflowParser.Parse("""
            id: wf-b
            version: 1
            scope: "*"
            trigger: { event_kinds: [message] }
            steps:
              - id: log
                action: meta.analytics.log
                with: { name: seen }
            """, ActionRegistry.Default).Definition!;
        foreach (var (run, offset) in new[] { ("run-b1", 1), ("run-b2", 2), ("run-b3", 3) })
        {
            await runs.TryCreateAsync(definition, e, run, e.ReceivedAt.AddMinutes(offset), CancellationToken.None);
            await runs.AppendAuditAsync(e.Instance, run, new StepAudit("send", "route.reply", "failed", null, 1, e.ReceivedAt, 5, null, "400"), CancellationToken.None);
            var outcome = await host.Registry.ExecuteAsync(ActionsHost.Invocation(AnalyticsLogExecutor.Id, e, new { name = run == "run-b2" ? "other" : "seen" }, run, "log"));
            Assert.Equal("failed", outcome.OutputString("outcome"));
        }

        async Task<List<string>> RunIds(string? name, string? workflow, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
            [.. (await store.ListAsync(e.Instance, name, workflow, from, to, 10, null, CancellationToken.None)).Records.Select(r => r.RunId)];

        Assert.Equal(["run-b3", "run-b2", "run-b1", "run-a"], await RunIds(null, null));
        Assert.Equal(["run-b3", "run-b1", "run-a"], await RunIds("seen", null));
        Assert.Equal(["run-b3", "run-b1"], await RunIds("seen", "wf-b"));
        Assert.Equal(["run-b2", "run-b1"], await RunIds(null, null, from: e.ReceivedAt.AddMinutes(1), to: e.ReceivedAt.AddMinutes(3)));

        var page1 = await store.ListAsync(e.Instance, null, null, null, null, 3, null, CancellationToken.None);
        var page2 = await store.ListAsync(e.Instance, null, null, null, null, 3, page1.Continuation, CancellationToken.None);
        Assert.Equal(["run-b3", "run-b2", "run-b1"], page1.Records.Select(r => r.RunId));
        Assert.Equal(["run-a"], page2.Records.Select(r => r.RunId));
        Assert.Null(page2.Continuation);
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync(e.Instance, null, null, null, null, 3, "bm90LW91cnM", CancellationToken.None));
    }

    [Fact]
    public void Descriptors_TheThreeActions_DeclareTheirOutputs_AndAreNoSideEffects()
    {
        foreach (var (id, outputs) in new[]
                 {
                     (PersistSummaryExecutor.Id, new[] { "conversation_id", "stored", "truncated", "at" }),
                     (PersistTaggingExecutor.Id, ["target", "id", "tags", "added"]),
                     (AnalyticsLogExecutor.Id, ["name", "recorded", "outcome", "at"]),
                 })
        {
            var descriptor = ActionRegistry.Default.Resolve(id)!.Descriptor;
            Assert.Equal(outputs, descriptor.Outputs.Select(o => o.Name));
            Assert.False(descriptor.IsSideEffect); // idempotent by their keys: no effect ledger
        }
    }
}
