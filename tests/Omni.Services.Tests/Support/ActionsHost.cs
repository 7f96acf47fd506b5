using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Services.Actions;
using Omni.Services.Configuration;
using Omni.Services.Storage;
using WireMock.Server;

namespace Omni.Services.Tests.Support;

/// <summary>
/// <c>AddOmniActions</c> as a host would call it, configured against one WireMock server standing in for every provider
/// (Evolution, the agent, Groq, OpenAI, AssemblyAI, the media store, webhook receivers) and the shared Azurite with a
/// per-test table prefix. Waits inside actions are instant and recorded.
/// </summary>
public sealed class ActionsHost : IAsyncDisposable
{
    public const string Instance = "demo";
    public const string EvolutionInstance = "evo-demo";
    public const string EvolutionKey = "evo-api-key-123";
    public const string AgentKey = "sk-agent-test";
    public const string GroqKey = "gsk_test";
    public const string OpenAiKey = "sk-openai-test";
    public const string AssemblyAiKey = "aai-test-key";
    public const string NotifySecret = "notify-secret";

    /// <summary>Stands for the WireMock server's URL in a setting's value (it is known only once the server runs).</summary>
    public const string ServerUrl = "{server}";

    private readonly ServiceProvider _services;

    private ActionsHost(WireMockServer server, ServiceProvider services, RecordingDelays delays)
    {
        Server = server;
        _services = services;
        Delays = delays;
    }

    public WireMockServer Server { get; }

    public string Url => Server.Urls[0];

    /// <summary>
    /// Starts a host with one bot connection (Slack, Telegram) whose API is this host's WireMock server, at
    /// <paramref name="apiPath"/> under its URL.
    /// </summary>
    public static async Task<ActionsHost> StartWithBotAsync(AzuriteFixture azurite, string instance, string provider, string? botToken, string apiPath = "")
    {
        var host = await StartAsync(azurite);
        host.Services.GetRequiredService<OmniOptions>().Instances[instance] = new InstanceOptions
        {
            Provider = provider,
            BotToken = botToken,
            ApiBaseUrl = new Uri(host.Url + apiPath),
        };
        return host;
    }

    public RecordingDelays Delays { get; }

    public IServiceProvider Services => _services;

    public ActionExecutorRegistry Registry => _services.GetRequiredService<ActionExecutorRegistry>();

    public ProviderChainRunner Chains => _services.GetRequiredService<ProviderChainRunner>();

    public EffectLedger Ledger => _services.GetRequiredService<EffectLedger>();

    public OmniStorage Storage => _services.GetRequiredService<OmniStorage>();

    /// <summary>The built-in executor of type <typeparamref name="T"/>, unwrapped (no ledger).</summary>
    public T Executor<T>() where T : IActionExecutor => _services.GetServices<IActionExecutor>().OfType<T>().Single();

    public static async Task<ActionsHost> StartAsync(
        AzuriteFixture azurite, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var server = WireMockServer.Start();
        var url = server.Urls[0];
        var config = new Dictionary<string, string?>
        {
            ["Omni:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Omni:Storage:Prefix"] = "t" + Guid.NewGuid().ToString("N")[..10],
            [$"Omni:Instances:{Instance}:Provider"] = "evolution",
            [$"Omni:Instances:{Instance}:ServerUrl"] = url,
            [$"Omni:Instances:{Instance}:ApiKey"] = EvolutionKey,
            [$"Omni:Instances:{Instance}:EvolutionInstance"] = EvolutionInstance,
            ["Omni:Agents:default:Endpoint"] = url + "/v1",
            ["Omni:Agents:default:ApiKey"] = AgentKey,
            ["Omni:Agents:default:Model"] = "gpt-4o-mini",
            ["Omni:Agents:default:SystemPrompt"] = "You are Omni's helpful assistant.",
            ["Omni:Providers:groq:Endpoint"] = url + "/openai/v1",
            ["Omni:Providers:groq:ApiKey"] = GroqKey,
            ["Omni:Providers:openai:Endpoint"] = url + "/v1",
            ["Omni:Providers:openai:ApiKey"] = OpenAiKey,
            ["Omni:Providers:assemblyai:Endpoint"] = url,
            ["Omni:Providers:assemblyai:ApiKey"] = AssemblyAiKey,
            ["Omni:Providers:qwen-vl:Endpoint"] = url + "/qwen/v1",
            ["Omni:Providers:qwen-vl:ApiKey"] = "qwen-key",
            ["Omni:Providers:qwen-vl:Model"] = "qwen2.5-vl-7b-instruct",
            ["Omni:Notify:Secret"] = NotifySecret,
            ["Omni:Notify:AllowHttp"] = "true",
            ["Omni:Notify:EscalationUrl"] = url + "/hooks/escalations",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value?.Replace(ServerUrl, url, StringComparison.Ordinal);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();
        var delays = new RecordingDelays();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ActionDelays>(delays);
        services.AddOmniActions(configuration);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.GetRequiredService<OmniStorage>().Effects.CreateIfNotExistsAsync();
        return new ActionsHost(server, provider, delays);
    }

    public static OmniEvent TextEvent(string text = "Oi, tudo bem?", string conversation = "5511999990001@s.whatsapp.net", bool isGroup = false) => new()
    {
        EventId = "evt_demo_" + Guid.NewGuid().ToString("N")[..16],
        Channel = "whatsapp",
        Provider = "evolution",
        Instance = Instance,
        EventKind = "message",
        ContentType = "text",
        ProviderEventId = "3EB0C431C26A1D3D8F11",
        ProviderMessageId = "3EB0C431C26A1D3D8F11",
        ConversationId = conversation,
        SenderHandle = isGroup ? "5511999990002@s.whatsapp.net" : conversation,
        IsGroup = isGroup,
        Text = text,
        ReceivedAt = DateTimeOffset.Parse("2026-01-05T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        RawBlob = "evolution/demo/2026/01/05/12/ing_1",
    };

    public OmniEvent MediaEvent(string contentType, string path, string mimeType, bool forwarded = false) => TextEvent(text: "") with
    {
        ContentType = contentType,
        Text = null,
        IsForwarded = forwarded,
        MediaMimeType = mimeType,
        MediaUrl = Url + path,
    };

    /// <summary>Writes <paramref name="body"/> to the raw archive under <paramref name="blobName"/>, as ingest would.</summary>
    public async Task ArchiveAsync(string blobName, string body)
    {
        await Storage.RawArchive.CreateIfNotExistsAsync();
        await Storage.RawArchive.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(body), overwrite: true);
    }

    public static ActionInvocation Invocation(string actionId, OmniEvent e, object? parameters = null, string runId = "run-1", string stepId = "step-1") => new()
    {
        RunId = runId,
        StepId = stepId,
        ActionId = actionId,
        Event = e,
        Parameters = parameters is null ? ActionInvocation.EmptyObject : System.Text.Json.JsonSerializer.SerializeToElement(parameters),
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Storage.Effects.DeleteAsync();
            await Storage.RawArchive.DeleteIfExistsAsync();
        }
        catch (Azure.RequestFailedException)
        {
            // best effort
        }

        await _services.DisposeAsync();
        Server.Stop();
        Server.Dispose();
    }
}

/// <summary>Returns at once and remembers every wait an action asked for.</summary>
public sealed class RecordingDelays() : ActionDelays(TimeProvider.System)
{
    private readonly List<TimeSpan> _requested = [];

    public IReadOnlyList<TimeSpan> Requested
    {
        get
        {
            lock (_requested)
            {
                return [.. _requested];
            }
        }
    }

    /// <summary>When set, waits really happen (for tests of concurrent executions).</summary>
    public bool Real { get; set; }

    public override Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        lock (_requested)
        {
            _requested.Add(delay);
        }

        return Real ? Task.Delay(delay, cancellationToken) : Task.CompletedTask;
    }
}
