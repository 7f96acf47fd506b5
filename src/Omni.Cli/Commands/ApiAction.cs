using System.CommandLine;
using Omni.Cli.Http;

namespace Omni.Cli.Commands;

/// <summary>
/// Binds a command to an action that calls the API, mapping what can go wrong to the exit codes: a refusal or an
/// unreachable host (1, the error shape's message on stderr), a usage problem found late such as a missing file (2),
/// Ctrl-C (0).
/// </summary>
public static class ApiAction
{
    public static void SetApiAction(this Command command, GlobalOptions globals, CliEnvironment env,
        Func<ParseResult, OmniClient, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var client = globals.Client(parse, env);
                return await action(parse, client, cancellationToken);
            }
            catch (OmniApiException e)
            {
                await env.Error.WriteLineAsync("error: " + e.Message);
                return ExitCodes.Refused;
            }
            catch (UsageException e)
            {
                await env.Error.WriteLineAsync(e.Message);
                return ExitCodes.Usage;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
        });
    }
}

/// <summary>A usage problem found after parsing (an unreadable file, a malformed time): exit code 2.</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
