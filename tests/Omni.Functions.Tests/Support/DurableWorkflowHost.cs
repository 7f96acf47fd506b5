using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Omni.Engine.Events;
using Omni.Engine.Workflows.Running;
using Omni.Functions.Workflows;
using Omni.Services;
using Omni.Services.Events;
using Omni.Services.Storage;
using Omni.Services.Workflows;
using WireMock.Server;

namespace Omni.Functions.Tests.Support;

/// <summary>
/// The production workflow host's parts, run for real in one process: <see cref="WorkflowOrchestrator"/> (its
/// <c>RunWorkflow</c> orchestrator and its three activities, registered under their <c>[Function]</c> names) inside
/// Durable Task's in-process engine (<see cref="DurableTaskTestHost"/>: real replay, real durable timers on real time,
/// real external events), over the services <c>AddOmni</c> builds for the Functions app, on the shared Azurite with
/// storage names of this test's own (<see cref="Prefix"/>), and one WireMock server standing in for every provider
/// (Evolution, the agent, Groq, OpenAI, AssemblyAI, webhook receivers). Runs start the way production starts them: the
/// normalizer's <c>workflow-runs</c> message handed to the queue trigger <see cref="WorkflowOrchestrator.StartAsync"/>.
/// </summary>
public sealed class DurableWorkflowHost : IAsyncDisposable
{
    public const string Instance = "demo";
    public const string EvolutionInstance = "evo-demo";
    public const string EvolutionKey = "evo-api-key-123";
    public const string AgentKey = "sk-agent-test";
    public const string QueryKey = "test-query-key";

    /// <summary>Stands for the WireMock server's URL in a test's workflow YAML (the server starts with the host).</summary>
    public const string ServerUrl = "%wiremock%";

    /// <summary>How long any single wait of a test may take before it fails (a hung run must not hang the suite).</summary>
    public static readonly TimeSpan WaitBound = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _services;
    private readonly string? _seeds;

    private DurableWorkflowHost(WireMockServer server, ServiceProvider services, DurableTaskTestHost durable, WorkflowOrchestrator orchestrator, string prefix, string? seeds)
    {
        Server = server;
        _services = services;
        Durable = durable;
        Client = new RaiseEventPrecondition(durable.Client);
        Orchestrator = orchestrator;
        Prefix = prefix;
        _seeds = seeds;
    }

    /// <summary>Every provider: Evolution at its root, the agent and OpenAI under <c>/v1</c>, Groq under <c>/openai/v1</c>, AssemblyAI at the root.</summary>
    public WireMockServer Server { get; }

    public string Url => Server.Urls[0];

    public string Prefix { get; }

    public IServiceProvider Services => _services;

    public DurableTaskTestHost Durable { get; }

    /// <summary>
    /// The Durable client the queue trigger and the raise endpoint get (<c>[DurableClient]</c> in production): the test
    /// host's, raising events only to running instances as production's provider does (<see cref="RaiseEventPrecondition"/>).
    /// </summary>
    public DurableTaskClient Client { get; }

    /// <summary>The production class, built over the real <see cref="WorkflowActivities"/> and <see cref="EventStore"/>.</summary>
    public WorkflowOrchestrator Orchestrator { get; }

    public WorkflowRunStore Runs => _services.GetRequiredService<WorkflowRunStore>();

    public EventStore Events => _services.GetRequiredService<EventStore>();

    public WorkflowRunInbox Inbox => _services.GetRequiredService<WorkflowRunInbox>();

    public OmniStorage Storage => _services.GetRequiredService<OmniStorage>();

    /// <summary>
    /// Starts a host. <paramref name="workflows"/>: the only workflows in effect (the seed directory is replaced by one
    /// holding just these, <see cref="ServerUrl"/> replaced by WireMock's URL); null: the repository's seed playbooks
    /// (workflows/*.yaml), as the Functions app loads them.
    /// </summary>
    public static async Task<DurableWorkflowHost> StartAsync(
        AzuriteFixture azurite, IEnumerable<string>? workflows = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var server = WireMockServer.Start();
        var url = server.Urls[0];
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        string? seeds = null;
        if (workflows is not null)
        {
            seeds = Directory.CreateTempSubdirectory("omni-durable-seeds").FullName;
            var n = 0;
            foreach (var yaml in workflows)
            {
                await File.WriteAllTextAsync(Path.Combine(seeds, $"workflow-{n++}.yaml"), yaml.Replace(ServerUrl, url, StringComparison.Ordinal));
            }
        }

        var config = new Dictionary<string, string?>
        {
            ["Omni:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Omni:Storage:Prefix"] = prefix, // per test; the Functions app itself runs with an empty prefix
            ["Omni:Workflows:SeedDirectory"] = seeds,
            [$"Omni:Instances:{Instance}:Provider"] = "evolution",
            [$"Omni:Instances:{Instance}:WebhookSecret"] = "test-webhook-secret",
            [$"Omni:Instances:{Instance}:ServerUrl"] = url,
            [$"Omni:Instances:{Instance}:ApiKey"] = EvolutionKey,
            [$"Omni:Instances:{Instance}:EvolutionInstance"] = EvolutionInstance,
            ["Omni:Keys:tests:Secret"] = QueryKey,
            ["Omni:Agents:default:Endpoint"] = url + "/v1",
            ["Omni:Agents:default:ApiKey"] = AgentKey,
            ["Omni:Agents:default:Model"] = "gpt-4o-mini",
            ["Omni:Providers:groq:Endpoint"] = url + "/openai/v1",
            ["Omni:Providers:groq:ApiKey"] = "gsk_test",
            ["Omni:Providers:openai:Endpoint"] = url + "/v1",
            ["Omni:Providers:openai:ApiKey"] = "sk-openai-test",
            ["Omni:Providers:assemblyai:Endpoint"] = url,
            ["Omni:Providers:assemblyai:ApiKey"] = "aai-test-key",
            ["Omni:Notify:Secret"] = "notify-secret",
            ["Omni:Notify:AllowHttp"] = "true",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOmni(configuration); // what the Functions app's Program.cs registers (clock: TimeProvider.System)
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.GetRequiredService<OmniStorage>().EnsureCreatedAsync();
        var orchestrator = ActivatorUtilities.CreateInstance<WorkflowOrchestrator>(provider); // as the Functions runtime makes it: from the container
        // The sidecar would pick a random port in 30000-40000, where Azurite's free ports may be: ask for a free one.
        var durable = await DurableTaskTestHost.StartAsync(registry => Register(registry, orchestrator), new DurableTaskTestHostOptions { Port = FreePort() });
        return new DurableWorkflowHost(server, provider, durable, orchestrator, prefix, seeds);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// The orchestrator and activities under the names their <c>[Function]</c> attributes give them, so
    /// <c>RunWorkflow</c>'s <c>CallActivityAsync(nameof(...))</c> and <c>StartAsync</c>'s schedule find them.
    /// </summary>
    public static void Register(DurableTaskRegistry registry, WorkflowOrchestrator orchestrator)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(orchestrator);
        // Declared with its input type: the Functions extension's context converts the input to whatever GetInput<T>
        // asks for (FunctionsOrchestrationContext), the plain Durable worker's context only casts what it deserialized.
        registry.AddOrchestratorFunc<WorkflowRunInput, Complete>(
            nameof(WorkflowOrchestrator.RunWorkflow), (context, _) => WorkflowOrchestrator.RunWorkflow(context));
        registry.AddActivityFunc<ActionActivityInput, JsonElement>(
            nameof(WorkflowOrchestrator.RunActionActivity), (_, input) => orchestrator.RunActionActivity(input, CancellationToken.None));
        registry.AddActivityFunc<RunWaitInput, ConversationSignal?>(
            nameof(WorkflowOrchestrator.RunWaitingActivity), (_, input) => orchestrator.RunWaitingActivity(input, CancellationToken.None));
        registry.AddActivityFunc<ConversationReadInput, JsonElement>(
            nameof(WorkflowOrchestrator.ReadConversationActivity), (_, input) => orchestrator.ReadConversationActivity(input, CancellationToken.None));
        registry.AddActivityFunc<RunCompleteInput>(
            nameof(WorkflowOrchestrator.CompleteRunActivity), (_, input) => orchestrator.CompleteRunActivity(input, CancellationToken.None));
    }

    /// <summary>
    /// What the normalizer does for a new event, then what the Functions runtime does with its queue message: stores the
    /// event, enqueues it on <c>workflow-runs</c> through <see cref="WorkflowRunInbox"/> (the normalizer's own code), and
    /// hands the message, as the trigger binds it, to <see cref="WorkflowOrchestrator.StartAsync"/> with the Durable client.
    /// Returns the event's runs (their rows exist once the trigger returned).
    /// </summary>
    public async Task<IReadOnlyList<WorkflowRunView>> IngestAsync(OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        Assert.True(await Events.TryAddAsync(evt, CancellationToken.None), $"event {evt.EventId} was stored before");
        await DeliverAsync(evt);
        return await Runs.ListForEventAsync(evt.Instance, evt.EventId, CancellationToken.None);
    }

    /// <summary>The queue trigger, once more, for a stored event (a redelivered <c>workflow-runs</c> message).</summary>
    public async Task DeliverAsync(OmniEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        using var timeout = new CancellationTokenSource(WaitBound);
        await Orchestrator.StartAsync(await RunMessageAsync(inbox => inbox.EnqueueAsync(evt, timeout.Token), timeout.Token), Client, timeout.Token);
    }

    /// <summary>Hands the trigger one shared message naming the stored <paramref name="events"/>, as the normalizer's inbox writes it for events stored together.</summary>
    public async Task DeliverSharedAsync(IReadOnlyList<OmniEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var timeout = new CancellationTokenSource(WaitBound);
        var shared = new WorkflowRunMessage(Instance, events[0].EventId) { EventIds = [.. events.Select(e => e.EventId)] };
        await Orchestrator.StartAsync(await RunMessageAsync(inbox => inbox.EnqueueAsync(shared, timeout.Token), timeout.Token), Client, timeout.Token);
    }

    /// <summary>The <c>workflow-runs</c> message <paramref name="enqueue"/> writes, as the trigger receives it: read back from the queue.</summary>
    private async Task<QueueMessage> RunMessageAsync(Func<WorkflowRunInbox, Task> enqueue, CancellationToken cancellationToken)
    {
        var inbox = _services.GetRequiredService<WorkflowRunInbox>();
        await enqueue(inbox);
        QueueMessage queued = (await inbox.Queue.ReceiveMessageAsync(cancellationToken: cancellationToken)).Value
                              ?? throw new InvalidOperationException("the workflow-runs message did not arrive");
        await inbox.Queue.DeleteMessageAsync(queued.MessageId, queued.PopReceipt, cancellationToken); // the runtime's part after success
        return QueuesModelFactory.QueueMessage(
            queued.MessageId, queued.PopReceipt, queued.MessageText, queued.DequeueCount, queued.NextVisibleOn, queued.InsertedOn, queued.ExpiresOn);
    }

    /// <summary>Waits (bounded) for the run's orchestration to finish; returns what <c>RunWorkflow</c> returned.</summary>
    public async Task<Complete> CompletionAsync(string runId)
    {
        using var timeout = new CancellationTokenSource(WaitBound);
        var metadata = await Client.WaitForInstanceCompletionAsync(runId, getInputsAndOutputs: true, timeout.Token);
        Assert.True(metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"run {runId}: {metadata.RuntimeStatus} {metadata.FailureDetails?.ErrorType}: {metadata.FailureDetails?.ErrorMessage}\n{metadata.FailureDetails?.StackTrace}");
        return metadata.ReadOutputAs<Complete>() ?? throw new InvalidOperationException($"run {runId} returned nothing");
    }

    /// <summary>The run as the audit API serves it (<c>GET /api/runs/{run_id}</c> reads this record).</summary>
    public async Task<WorkflowRunView> RunAsync(string runId) =>
        await Runs.GetAsync(Instance, runId, CancellationToken.None) ?? throw new InvalidOperationException($"no run {runId}");

    /// <summary>Polls the run record (bounded) until <paramref name="until"/> holds.</summary>
    public async Task<WorkflowRunView> RunWhenAsync(string runId, Func<WorkflowRunView, bool> until)
    {
        using var timeout = new CancellationTokenSource(WaitBound);
        while (true)
        {
            var run = await RunAsync(runId);
            if (until(run))
            {
                return run;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }

    /// <summary>The offline runner (Omni.Local's driver) over this host's services and storage.</summary>
    public WorkflowRunner OfflineRunner => _services.GetRequiredService<WorkflowRunner>();

    public async ValueTask DisposeAsync()
    {
        await Durable.DisposeAsync();
        await _services.DisposeAsync();
        Server.Stop();
        Server.Dispose();
        if (_seeds is not null)
        {
            Directory.Delete(_seeds, recursive: true);
        }
    }
}
