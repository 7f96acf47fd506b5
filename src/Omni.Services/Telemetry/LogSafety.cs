using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Omni.Services.Telemetry;

/// <summary>
/// Keeps secrets out of logs on both hosts. Omni's own log statements carry ids, names, counts and error codes, never
/// a header, a body or a payload value. The one framework log that would carry a secret is ASP.NET Core's request
/// log (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c>, "Request starting ... ?code=..."): it prints the query
/// string, where a query key may travel (<c>?code=</c>). That category is held at Warning whatever the configured
/// levels say (a post-configuration, so no appsettings or environment rule can lower it again); the Functions host
/// logs its own request lines, and Omni.Local's defaults never showed these anyway.
/// </summary>
public static class LogSafety
{
    public const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static ILoggingBuilder AddOmniLogSafety(this ILoggingBuilder logging)
    {
        logging.Services.PostConfigure<LoggerFilterOptions>(options =>
        {
            // The most specific rule wins, and a provider-specific rule beats a generic one: replace every rule that
            // could reach the request log with one at Warning, for every provider that has rules and for none.
            var providers = options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList();
            var reaching = options.Rules.Where(r => r.CategoryName is { } c && c.StartsWith(RequestLogCategory, StringComparison.Ordinal)).ToList();
            foreach (var rule in reaching)
            {
                options.Rules.Remove(rule);
            }

            foreach (var provider in providers)
            {
                options.Rules.Add(new LoggerFilterRule(provider, RequestLogCategory, LogLevel.Warning, filter: null));
            }
        });
        return logging;
    }
}
