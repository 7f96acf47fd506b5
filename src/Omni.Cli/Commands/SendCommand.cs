using System.CommandLine;
using Omni.Cli.Signing;
using Spectre.Console;

namespace Omni.Cli.Commands;

/// <summary>
/// <c>omni send FILE --instance NAME [--provider evolution]</c>: posts the file to
/// <c>POST /api/webhooks/{provider}/{instance}</c>, signed the way that provider signs (<see cref="WebhookSigner"/>),
/// with the instance's webhook secret from <c>--secret</c> or <c>OMNI_WEBHOOK_SECRET</c>.
/// </summary>
public static class SendCommand
{
    public static Command Build(GlobalOptions globals, CliEnvironment env)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "the payload, sent byte for byte" };
        var instance = new Option<string>("--instance") { Description = "the Omni instance to deliver to", Required = true };
        var provider = new Option<string>("--provider") { Description = "whose signing scheme to use", DefaultValueFactory = _ => "evolution" };
        provider.AcceptOnlyFromAmong([.. WebhookSigner.Providers]);
        var secret = new Option<string?>("--secret") { Description = "the instance's webhook secret (env OMNI_WEBHOOK_SECRET)" };
        var command = new Command("send", "post a payload as its provider would, signed (POST /api/webhooks/{provider}/{instance})") { file, instance, provider, secret };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var path = parse.GetValue(file)!;
            var key = parse.GetValue(secret) ?? env.Variable("OMNI_WEBHOOK_SECRET")
                ?? throw new UsageException("give the instance's webhook secret with --secret or OMNI_WEBHOOK_SECRET");
            var body = await ReadAsync(path, ct);
            var name = parse.GetValue(instance)!;
            var who = parse.GetValue(provider)!;
            IReadOnlyList<KeyValuePair<string, string>> headers;
            try
            {
                headers = WebhookSigner.Headers(who, key, body, DateTimeOffset.UtcNow, "msg_" + Guid.NewGuid().ToString("N"));
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            var answer = await client.PostBytesAsync($"api/webhooks/{Uri.EscapeDataString(who)}/{Uri.EscapeDataString(name)}", body, headers, ct);
            if (parse.GetValue(globals.Json))
            {
                env.WriteRaw(answer.GetRawText());
            }
            else
            {
                var ingest = answer.TryGetProperty("ingest_id", out var id) ? id.GetString() : "?";
                env.Console.MarkupLine($"accepted: ingest_id [bold]{Markup.Escape(ingest ?? "?")}[/]");
                env.Console.MarkupLine($"[grey]events appear a moment later: omni events tail --instance {Markup.Escape(name)}[/]");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    internal static async Task<byte[]> ReadAsync(FileInfo file, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllBytesAsync(file.FullName, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {file.FullName}: {e.Message}");
        }
    }
}
