using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Services.Actions;
using Omni.Services.Actions.Speech;
using Omni.Services.Tests.Support;

namespace Omni.Services.Tests.Actions;

/// <summary>The registry: built-ins, custom actions from DI, effect-once wrapping, chains.</summary>
[Collection(UsesAzurite.Name)]
public sealed class ActionExecutorRegistryTests(AzuriteFixture azurite)
{
    /// <summary>A custom side effect: counts its real executions.</summary>
    private sealed class Ping : IActionExecutor
    {
        private int _calls;

        public int Calls => _calls;

        public string ActionId => "meta.custom.ping";

        public bool IsSideEffect => true;

        public Task<ActionOutcome> ExecuteAsync(ActionInvocation invocation, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new ActionOutcome { Output = JsonSerializer.SerializeToElement(new { pong = true }), Summary = "pong" });
        }
    }

    [Fact]
    public async Task BuiltIns_AreRegistered()
    {
        await using var host = await ActionsHost.StartAsync(azurite);

        Assert.Equal(
            [
                "guard.allowlist", "guard.blocklist", "guard.contact_override", "guard.debounce", "guard.denylist", "guard.rate_limit", "guard.self_route",
                "meta.analytics.log", "meta.notify.webhook", "persist.summary", "persist.tagging", "route.agent.default", "route.escalate.human", "route.forward.cross_channel",
                "route.reply", "transform.describe.image", "transform.describe.video", "transform.stt.audio", "transform.translate", "validate.safety",
                "workflow.smart_decision",
            ],
            host.Registry.ActionIds.Order(StringComparer.Ordinal));
        Assert.IsType<EffectOnceExecutor>(host.Registry.Get("route.reply"));
        Assert.IsType<EffectOnceExecutor>(host.Registry.Get("meta.notify.webhook"));
        Assert.IsType<EffectOnceExecutor>(host.Registry.Get("route.escalate.human"));
        Assert.IsType<SpeechToTextExecutor>(host.Registry.Get("transform.stt.audio"));

        // Every guard the registry describes has an executor; a labelled id finds its action's executor.
        Assert.All(Omni.Engine.Workflows.Actions.ActionRegistry.Default.Actions.Where(a => a.Id.StartsWith("guard.", StringComparison.Ordinal)),
            a => Assert.True(host.Registry.TryGet(a.Id, out _), $"no executor for {a.Id}"));
        Assert.IsType<Omni.Services.Actions.Guards.ContactOverrideGuard>(host.Registry.Get("guard.contact_override.partner"));
        Assert.Throws<PermanentActionException>(() => host.Registry.Get("guard.teleport"));
    }

    [Fact]
    public async Task CustomSideEffectAction_RegisteredInDi_RunsThroughTheLedgerOnce()
    {
        var ping = new Ping();
        await using var host = await ActionsHost.StartAsync(azurite, configure: services => services.AddSingleton<IActionExecutor>(ping));
        var invocation = ActionsHost.Invocation("meta.custom.ping", ActionsHost.TextEvent());

        var first = await host.Registry.ExecuteAsync(invocation);
        var second = await host.Registry.ExecuteAsync(invocation);

        Assert.Equal(1, ping.Calls);
        Assert.True(second.Output.GetProperty("pong").GetBoolean());
        Assert.Equal((EffectState.Sent, EffectState.AlreadySent), (first.Effect, second.Effect));
    }

    [Fact]
    public async Task UnknownAction_Permanent()
    {
        await using var host = await ActionsHost.StartAsync(azurite);

        var ex = await Assert.ThrowsAsync<PermanentActionException>(() =>
            host.Registry.ExecuteAsync(ActionsHost.Invocation("transform.translate", ActionsHost.TextEvent())));
        Assert.Contains("transform.translate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteWithProviders_RunsTheChain()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        Providers.ServeVoiceNote(host);
        Providers.Fail(host, Providers.GroqPath, 500);
        Providers.Transcribe(host, Providers.OpenAiTranscriptionsPath, "Oi!");

        var outcome = await host.Registry.ExecuteAsync(
            ActionsHost.Invocation(SpeechToTextExecutor.Id, host.MediaEvent("audio", Providers.VoicePath, "audio/ogg")), ["groq", "openai"]);

        Assert.Equal(("openai", 2), (outcome.Provider, outcome.Attempts));
    }

    [Fact]
    public async Task SideEffectWithChain_LedgerWrapsTheWholeChain()
    {
        var ping = new Ping();
        await using var host = await ActionsHost.StartAsync(azurite, configure: services => services.AddSingleton<IActionExecutor>(ping));
        var invocation = ActionsHost.Invocation("meta.custom.ping", ActionsHost.TextEvent());

        var first = await host.Registry.ExecuteAsync(invocation, ["a", "b"]);
        var second = await host.Registry.ExecuteAsync(invocation, ["a", "b"]);

        Assert.Equal(1, ping.Calls);
        Assert.Equal(("a", EffectState.AlreadySent), (second.Provider, second.Effect));
        Assert.Equal(EffectState.Sent, first.Effect);
    }
}
