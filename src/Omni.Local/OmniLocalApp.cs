using Microsoft.AspNetCore.Diagnostics;
using Omni.Local.Emulator;
using Omni.Local.Mcp;
using Omni.Local.Queue;
using Omni.Local.Telemetry;
using Omni.Relay.Hosting;
using Omni.Services;
using Omni.Services.Configuration;
using Omni.Services.Http;
using Omni.Services.Telemetry;

namespace Omni.Local;

/// <summary>Builds the offline host. <c>Program</c> runs it; tests and the benchmark build it with their own settings.</summary>
public static class OmniLocalApp
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>Builds the host from <paramref name="args"/> (tests and the benchmark add their settings in <paramref name="configure"/>).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CreateBuilder(args);
        configure?.Invoke(builder);
        return Build(builder);
    }

    /// <summary>The builder with the command line read: <c>--port N</c> listens on http://127.0.0.1:N.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) => WebApplication.CreateBuilder(args);

    /// <summary>The URL Omni.Local listens on: <c>urls</c> / <c>ASPNETCORE_URLS</c> when set, else loopback on <c>--port</c> (7071).</summary>
    public static string ListenUrl(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"];
        if (!string.IsNullOrEmpty(urls))
        {
            return urls;
        }

        var port = configuration["port"];
        if (port is null)
        {
            return DefaultUrl;
        }

        return int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number is > 0 and < 65536
            ? $"http://127.0.0.1:{number}"
            : throw new LocalStartupException($"--port {port}: give a port number between 1 and 65535.");
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.UseUrls(ListenUrl(builder.Configuration));

        // Omni enforces its own body limit (Omni:Ingest:MaxBodyBytes) to answer 413 in its error shape.
        // The request line may be long enough for Omni to answer 414 itself, in its error shape (ApiFallback.MaxUrlLength).
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxRequestLineSize = 1024 * 1024;
        });

        builder.Services.AddHostedService<LocalStorageStartup>();
        builder.Services.AddOmni(builder.Configuration);
        builder.Services.AddLocalRunEvents();
        builder.Services.AddOmniMcp();
        builder.Services.AddSingleton<IngestQueueConsumer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestQueueConsumer>());
        builder.Services.AddSingleton<WorkflowRunConsumer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkflowRunConsumer>());
        builder.Services.AddHostedService<ReconcileTimer>();
        builder.Services.AddHostedService<RetentionTimer>();
        // The Discord gateway relay (Omni.Relay, docs/relay.md): on only when an instance has Provider=discord and a
        // BotToken; it posts the gateway's dispatches to this host's own webhook route unless Omni:Relay:OmniBaseUrl says otherwise.
        builder.Services.AddOmniRelay(builder.Configuration, OwnBaseUrl(ListenUrl(builder.Configuration)));
        builder.AddOmniLocalTelemetry();
        builder.Logging.AddOmniLogSafety();

        var app = builder.Build();
        app.UseExceptionHandler(errors => errors.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var result = error is BadHttpRequestException bad
                ? ApiError.Create(bad.StatusCode, "bad_request", bad.Message)
                : ApiError.Create(StatusCodes.Status500InternalServerError, "internal", "an unexpected error occurred; it has been logged");
            await result.ExecuteAsync(context);
        }));
        app.MapOmniMcp();
        app.MapOmniRoutes();
        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app));
        return app;
    }

    private static Uri OwnBaseUrl(string? configuredUrls)
    {
        var urls = string.IsNullOrWhiteSpace(configuredUrls) ? DefaultUrl : configuredUrls;
        var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal);
        return new Uri(first.TrimEnd('/') + "/");
    }

    private static void PrintBanner(WebApplication app)
    {
        var options = app.Services.GetRequiredService<OmniOptions>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Omni.Local");
        logger.LogInformation("Omni.Local listening on {Urls}", string.Join(", ", app.Urls));
        if (!app.Environment.IsDevelopment())
        {
            return;
        }

        // Development only: the demo settings live in appsettings.Development.json and are meant to be copied into curl.
        // Written to the terminal, not logged: logs never carry secrets (they may be exported, e.g. over OTLP).
        foreach (var (name, instance) in options.Instances)
        {
            Console.WriteLine($"Instance {name} ({instance.Provider}): POST {app.Urls.FirstOrDefault()}/api/webhooks/{instance.Provider}/{name} {HowToSign(name, instance)}");
        }

        foreach (var (name, key) in options.Keys)
        {
            Console.WriteLine($"Query key {name}: x-functions-key: {key.Secret}");
        }
    }

    /// <summary>How the demo banner tells a developer to authenticate posts for one instance (the README's recipes use it).</summary>
    private static string HowToSign(string name, InstanceOptions instance) => instance.Provider switch
    {
        "discord" =>
            $"signed with Standard Webhooks (the relay's scheme) using the secret {instance.WebhookSecret} (try: bash scripts/post-discord.sh); " +
            (string.IsNullOrWhiteSpace(instance.PublicKey)
                ? $"Discord interactions need Omni__Instances__{name}__PublicKey = the application's public key (Developer Portal, General Information)"
                : "Discord interactions are checked against the configured public key"),
        "telegram" => $"with header X-Telegram-Bot-Api-Secret-Token: {instance.WebhookSecret}",
        "webhook" => $"signed as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1 HMAC-SHA256); secret: {instance.WebhookSecret}",
        "slack" => $"signed with X-Slack-Signature (v0, HMAC-SHA256 of v0:timestamp:body) and X-Slack-Request-Timestamp; signing secret: {instance.WebhookSecret}",
        _ => $"with header x-webhook-secret: {instance.WebhookSecret}",
    };
}
