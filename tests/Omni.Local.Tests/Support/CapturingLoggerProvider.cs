using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Omni.Local.Tests.Support;

/// <summary>
/// Keeps every log entry the host writes, at every level: the formatted message, each structured value, the
/// exception and every active scope, as text, so a test can search all of it.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var parts = new List<string> { $"[{logLevel}] {category}: {formatter(state, exception)}" };
            AddValues(parts, state);
            if (exception is not null)
            {
                parts.Add("exception: " + exception);
            }

            owner._scopes.ForEachScope((scope, list) =>
            {
                list.Add("scope: " + scope);
                AddValues(list, scope);
            }, parts);
            owner._entries.Enqueue(string.Join(" | ", parts));
        }

        private static void AddValues(List<string> parts, object? state)
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                parts.AddRange(values.Select(v => $"{v.Key}={v.Value}"));
            }
        }
    }
}
