using Spectre.Console.Testing;

namespace Omni.Cli.Tests.Support;

/// <summary>What one in-process run of <c>omni</c> printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error);

/// <summary>
/// Runs the CLI's root command in-process against a host: <c>OMNI_URL</c>, <c>OMNI_KEY</c> and
/// <c>OMNI_WEBHOOK_SECRET</c> name it (as a user's environment would), output goes to a wide <see cref="TestConsole"/>.
/// </summary>
public sealed class CliRunner(OmniHost? host)
{
    public TestConsole Console { get; } = new TestConsole().Width(250);

    public StringWriter Error { get; } = new();

    public static Task<CliResult> RunAsync(OmniHost? host, params string[] args) => new CliRunner(host).InvokeAsync(CancellationToken.None, args);

    public async Task<CliResult> InvokeAsync(CancellationToken cancellationToken, params string[] args)
    {
        var env = new CliEnvironment(Console, Error, Variable) { PollInterval = TimeSpan.FromMilliseconds(200) };
        var code = await CliApp.RunAsync(args, env, cancellationToken);
        return new CliResult(code, Console.Output, Error.ToString());
    }

    private string? Variable(string name) => name switch
    {
        "OMNI_URL" => host?.Client.BaseAddress?.ToString(),
        "OMNI_KEY" => OmniHost.QueryKey,
        "OMNI_WEBHOOK_SECRET" => OmniHost.WebhookSecret,
        _ => null,
    };
}
