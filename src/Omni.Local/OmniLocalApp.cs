using Microsoft.AspNetCore.Diagnostics;
using Omni.Local.Emulator;
using Omni.Local.Queue;
using Omni.Local.Telemetry;
using Omni.Services;
using Omni.Services.Configuration;
using Omni.Services.Http;
using Omni.Services.Telemetry;

namespace Omni.Local;

/// <summary>Builds the offline host. <c>Program</c> runs it; tests and the benchmark build it with their own settings.</summary>
public static class OmniLocalApp
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

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
        builder.Services.AddSingleton<IngestQueueConsumer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestQueueConsumer>());
        builder.Services.AddSingleton<WorkflowRunConsumer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkflowRunConsumer>());
        builder.Services.AddHostedService<ReconcileTimer>();
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
        app.MapOmniRoutes();
        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app));
        return app;
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
            Console.WriteLine($"Instance {name} ({instance.Provider}): POST {app.Urls.FirstOrDefault()}/api/webhooks/{instance.Provider}/{name} {HowToAuthenticate(instance)}");
        }

        foreach (var (name, key) in options.Keys)
        {
            Console.WriteLine($"Query key {name}: x-functions-key: {key.Secret}");
        }
    }

    /// <summary>How a delivery to the instance proves itself, with the demo secret (the README's recipes use it).</summary>
    private static string HowToAuthenticate(InstanceOptions instance) =>
        instance.Provider switch
        {
            "telegram" => $"with header X-Telegram-Bot-Api-Secret-Token: {instance.WebhookSecret}",
            "webhook" => $"signed as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1 HMAC-SHA256); secret: {instance.WebhookSecret}",
            "slack" => $"signed with X-Slack-Signature (v0, HMAC-SHA256 of v0:timestamp:body) and X-Slack-Request-Timestamp; signing secret: {instance.WebhookSecret}",
            _ => $"with header x-webhook-secret: {instance.WebhookSecret}",
        };
}
