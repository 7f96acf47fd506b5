using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Omni.Engine.Events;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests.WishEval;

/// <summary>The seeded dataset: each reference (<c>event:key</c>, <c>conversation:key</c>, <c>identity:key</c>) and the id it stands for.</summary>
public sealed partial class SeededDataset(IReadOnlyDictionary<string, string> ids)
{
    public IReadOnlyDictionary<string, string> Ids { get; } = ids;

    /// <summary>A reference's id; anything that is not a known reference (a fabricated id) stays as written.</summary>
    public string Resolve(string reference) => Ids.TryGetValue(reference, out var id) ? id : reference;

    /// <summary>Replaces <c>{event:key}</c>-style placeholders in a JSON text.</summary>
    public string Fill(string json) => Placeholder().Replace(json, m => Ids.TryGetValue(m.Groups[1].Value, out var id)
        ? id : throw new InvalidDataException($"unknown reference {m.Value}"));

    [GeneratedRegex(@"\{((?:event|conversation|identity):[a-z0-9-]+)\}")]
    private static partial Regex Placeholder();
}

public sealed record EvalResult(EvalQuestion Question, EvalVerdict Verdict, string Why, int Calls, string? Answer)
{
    /// <summary>The wish answered with an error (scored as abstained).</summary>
    public bool Failed { get; init; }

    public int Points => WishEvalScorer.Points(Verdict);
}

/// <summary>Seeds a real Omni.Local with the dataset, asks questions through <c>POST /api/wish</c> and scores the answers.</summary>
public static class WishEvalHarness
{
    public const string WhatsAppInstance = OmniHost.Instance;
    public const string DiscordInstance = DiscordWire.Instance;

    /// <summary>The host's settings: the Discord instance, plus the model the wish agent talks to.</summary>
    public static Dictionary<string, string?> Settings(string endpoint, string apiKey, string model)
    {
        var settings = DiscordWire.Settings();
        settings.Remove($"Omni:Instances:{DiscordInstance}:BotToken"); // ingest only: no gateway relay, no replies
        settings["Omni:Agents:wish:Endpoint"] = endpoint;
        settings["Omni:Agents:wish:ApiKey"] = apiKey;
        settings["Omni:Agents:wish:Model"] = model;
        return settings;
    }

    /// <summary>Ingests every message through the webhook routes (Evolution bodies; Discord relay frames, signed), normalizes, links identities.</summary>
    public static async Task<SeededDataset> SeedAsync(OmniHost host, EvalDataset data)
    {
        var now = DateTimeOffset.UtcNow;
        var people = data.People.ToDictionary(p => p.Key);
        var conversations = data.Conversations.ToDictionary(c => c.Key);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in data.Conversations)
        {
            ids["conversation:" + c.Key] = c.Channel == "whatsapp" ? people[c.With!].Whatsapp! : c.Id!;
        }

        var index = 0;
        foreach (var m in data.Messages.OrderByDescending(m => m.HoursAgo))
        {
            index++;
            var conversation = conversations[m.Conversation];
            var fromMe = m.From == "me";
            var at = now.AddHours(-m.HoursAgo);
            if (conversation.Channel == "whatsapp")
            {
                var messageId = "3EB0EVAL" + index.ToString("D6", CultureInfo.InvariantCulture);
                await host.IngestAsync(IdentityPayloads.Direct(messageId, ids["conversation:" + m.Conversation], m.Text, at.ToUnixTimeSeconds(),
                    pushName: fromMe ? null : people[m.From].Name, fromMe: fromMe));
                ids["event:" + m.Key] = EventKey.ComputeEventId("evolution", WhatsAppInstance, messageId, EventKinds.Message);
            }
            else
            {
                var messageId = "1260000000000000" + (600 + index).ToString(CultureInfo.InvariantCulture);
                var sender = fromMe ? null : people[m.From];
                var frame = DiscordWire.MessageCreate(messageId, conversation.Id!, fromMe ? DiscordWire.BotUserId : sender!.Discord!, m.Text,
                    guildId: conversation.Guild, username: sender?.DiscordUsername ?? "omni-bot", globalName: sender?.Name ?? "Omni", sequence: index, at: at);
                using var relay = DiscordWire.Relay(frame);
                using var response = await host.Client.SendAsync(relay);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                ids["event:" + m.Key] = EventKey.ComputeEventId("discord", DiscordInstance, messageId, EventKinds.Message);
            }
        }

        await host.DrainIngestAsync();

        var events = (await host.ListEventsAsync(WhatsAppInstance)).Concat(await host.ListEventsAsync(DiscordInstance)).ToList();
        var stored = events.Select(e => e.GetProperty("event_id").GetString()!).ToHashSet(StringComparer.Ordinal);
        var absent = ids.Where(i => i.Key.StartsWith("event:", StringComparison.Ordinal) && !stored.Contains(i.Value)).Select(i => i.Key).ToList();
        Assert.True(absent.Count == 0, "not stored: " + string.Join(", ", absent));

        // Each person's identity: the one their inbound messages were stamped with (Discord's, for a person linked from there).
        foreach (var person in data.People)
        {
            var link = data.Links.FirstOrDefault(l => l.Person == person.Key);
            var handles = link is null ? [person.Whatsapp, person.Discord] : new[] { link.IdentityOf == "discord" ? person.Discord : person.Whatsapp };
            var stamped = events.FirstOrDefault(e => !e.GetProperty("from_me").GetBoolean() && handles.Contains(e.GetProperty("sender_handle").GetString()));
            if (stamped.ValueKind == JsonValueKind.Object && stamped.TryGetProperty("identity_id", out var identity) && identity.ValueKind == JsonValueKind.String)
            {
                ids["identity:" + person.Key] = identity.GetString()!;
            }
        }

        foreach (var link in data.Links)
        {
            var person = people[link.Person];
            var handle = link.Add == "whatsapp" ? person.Whatsapp : person.Discord;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/identities/{ids["identity:" + link.Person]}/handles")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { channel = link.Add, handle }), Encoding.UTF8, "application/json"),
            };
            using var linked = await host.Client.SendAsync(request);
            Assert.True(linked.StatusCode == HttpStatusCode.OK, $"linking {link.Person}: {(int)linked.StatusCode} {await linked.Content.ReadAsStringAsync()}");
        }

        return new SeededDataset(ids);
    }

    /// <summary>Asks one question with <paramref name="key"/> and scores the answer (an error answer scores as an abstention).</summary>
    public static async Task<EvalResult> AskAsync(OmniHost host, string key, EvalQuestion question, SeededDataset seeded)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/wish")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { text = question.Text }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-functions-key", key);
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // No answer at all (the model failed, looped past the round limit, ...): never correct, not a wrong answer either.
            return new EvalResult(question, EvalVerdict.Abstained, $"no answer: HTTP {(int)response.StatusCode} {Shorten(body, 160)}", 0, null) { Failed = true };
        }

        var json = JsonDocument.Parse(body).RootElement;
        var evidence = json.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
        var expected = (question.Evidence ?? []).Select(seeded.Resolve).ToList();
        var mustNot = (question.MustNotCite ?? []).Select(seeded.Resolve).ToList();
        var (v, why) = WishEvalScorer.Score(question.ExpectAbstain, expected, mustNot, json.GetProperty("abstained").GetBoolean(), evidence);
        var answer = json.TryGetProperty("answer", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        return new EvalResult(question, v, why, json.GetProperty("plan").GetArrayLength(), answer);
    }

    /// <summary>Re-runs tool calls without the model (<c>POST /api/wish/plan</c>); returns every id their results named.</summary>
    public static async Task<List<string>> EvidenceOfPlanAsync(OmniHost host, string key, IReadOnlyList<EvalToolStep> script, SeededDataset seeded)
    {
        var plan = "{\"plan\": [" + string.Join(", ", script.Select(s =>
            $"{{\"tool\": {JsonSerializer.Serialize(s.Tool)}, \"arguments\": {seeded.Fill(s.Arguments.GetRawText())}}}")) + "]}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/wish/plan") { Content = new StringContent(plan, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-functions-key", key);
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>A Markdown score table and the totals line.</summary>
    public static string Table(string title, IReadOnlyList<EvalResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### {title}").AppendLine();
        text.AppendLine("| id | expect | verdict | points | tool calls | why | question |");
        text.AppendLine("|---|---|---|---:|---:|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Question.Id} | {r.Question.Expect} | {r.Verdict.ToString().ToLowerInvariant()} | {r.Points:+0;-0;0} | {r.Calls} | {r.Why.Replace('|', '/')} | {r.Question.Text} |");
        }

        text.AppendLine().AppendLine(Totals(results));
        return text.ToString();
    }

    public static string Totals(IReadOnlyList<EvalResult> results) => string.Create(CultureInfo.InvariantCulture,
        $"{results.Count} questions: {results.Count(r => r.Verdict == EvalVerdict.Correct)} correct, " +
        $"{results.Count(r => r.Verdict == EvalVerdict.Wrong)} wrong, {results.Count(r => r.Verdict == EvalVerdict.Abstained)} abstained " +
        $"({results.Count(r => r.Failed)} of them errors); " +
        $"score {results.Sum(r => r.Points)} of {results.Count} (correct +1, abstained 0, wrong -2)");

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
