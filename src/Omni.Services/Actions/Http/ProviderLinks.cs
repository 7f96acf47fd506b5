using Omni.Services.Configuration;

namespace Omni.Services.Actions.Http;

/// <summary>One link of a step's provider chain, resolved from <c>Omni:Providers:&lt;name&gt;</c> and the provider's public defaults.</summary>
public sealed record ProviderLink(string Name, Uri Endpoint, string Model, string ApiKey, TimeSpan Timeout, ProviderOptions Settings);

/// <summary>A public provider's documented base URL and the model an action uses there when none is configured.</summary>
public sealed record PublicProvider(Uri Endpoint, string Model);

/// <summary>
/// Resolves the provider an executor was given (<see cref="ActionInvocation.Provider"/>): configured values first, then the
/// action's public defaults for that name (<c>openai</c> → <c>https://api.openai.com/v1</c>, ...). A public provider needs
/// an <c>ApiKey</c>; a self-hosted endpoint (Ollama, vLLM) may have none. Missing settings are permanent failures, so a
/// chain passes over an unconfigured link at once.
/// </summary>
public static class ProviderLinks
{
    public static readonly Uri OpenAi = new("https://api.openai.com/v1");
    public static readonly Uri Groq = new("https://api.groq.com/openai/v1");
    public static readonly Uri Mistral = new("https://api.mistral.ai/v1");

    public static ProviderLink Resolve(OmniOptions options, string actionId, string? provider, IReadOnlyDictionary<string, PublicProvider> defaults)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(defaults);
        if (provider is null)
        {
            throw new PermanentActionException($"{actionId}: no provider given (run it through its provider chain).");
        }

        options.Providers.TryGetValue(provider, out var settings);
        settings ??= new ProviderOptions();
        defaults.TryGetValue(provider, out var known);
        var endpoint = settings.Endpoint ?? known?.Endpoint
                       ?? throw new PermanentActionException($"{actionId}: Omni:Providers:{provider}:Endpoint is not set.");
        var model = settings.Model ?? known?.Model
                    ?? throw new PermanentActionException($"{actionId}: Omni:Providers:{provider}:Model is not set.");
        // Self-hosted endpoints often take no key; the OpenAI client still wants one.
        var apiKey = settings.ApiKey ?? (known is not null ? throw new PermanentActionException($"{actionId}: Omni:Providers:{provider}:ApiKey is not set.") : "none");
        return new ProviderLink(provider, endpoint, model, apiKey, settings.Timeout ?? ActionHttpClients.DefaultTimeout, settings);
    }
}
