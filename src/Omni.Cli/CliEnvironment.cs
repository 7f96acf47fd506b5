using Spectre.Console;

namespace Omni.Cli;

/// <summary>
/// What a command may touch outside its arguments: the console it renders to, the writer for errors, the environment
/// variables it reads and, in tests, the HTTP handler. Injected so tests run every command in-process.
/// </summary>
public sealed record CliEnvironment(IAnsiConsole Console, TextWriter Error, Func<string, string?> Variable)
{
    /// <summary>The handler HTTP calls go through (null: the default sockets handler).</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>How often <c>events tail</c> and <c>replay</c> poll.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Writes text to the console's output unchanged (no markup, no wrapping): JSON, YAML, diffs.</summary>
    public void WriteRaw(string text) => Console.Profile.Out.Writer.WriteLine(text);
}
