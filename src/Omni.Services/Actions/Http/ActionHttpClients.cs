namespace Omni.Services.Actions.Http;

/// <summary>
/// Names of the <see cref="IHttpClientFactory"/> clients actions use: one per provider (<c>omni.actions.groq</c>, ...), so
/// connection pools and handler settings are separate. Timeouts are per request (<see cref="ProviderHttp.SendAsync"/>),
/// from each provider's settings, so the clients themselves have none.
/// </summary>
public static class ActionHttpClients
{
    public const string Prefix = "omni.actions.";

    public const string Evolution = Prefix + "evolution";
    public const string Media = Prefix + "media";
    public const string Notify = Prefix + "notify";

    /// <summary>Default request timeout when a provider has no <c>Timeout</c> setting.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static string ForProvider(string provider) => Prefix + provider;

    public static string ForAgent(string agent) => Prefix + "agent." + agent;
}
