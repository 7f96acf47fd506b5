using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Omni.Services.Http;

/// <summary>Query-string reading that collects the first problem: unknown parameters, malformed values (a 400 with that message).</summary>
public sealed class QueryParameters
{
    private readonly IQueryCollection _query;

    public QueryParameters(HttpRequest request, string[] known)
    {
        _query = request.Query;
        var unknown = _query.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.Ordinal));
        if (unknown is not null)
        {
            Error = $"unknown query parameter '{unknown}'; known: {string.Join(", ", known.Where(k => k != "code"))}";
        }
    }

    public string? Error { get; private set; }

    public string? Text(string name)
    {
        var values = _query[name];
        if (values.Count > 1)
        {
            Fail($"{name} may be given once");
        }

        return string.IsNullOrEmpty(values.ToString()) ? null : values[0];
    }

    public bool? Bool(string name) => Text(name) switch
    {
        null => null,
        "true" => true,
        "false" => false,
        _ => Fail<bool?>($"{name} must be true or false"),
    };

    public DateTimeOffset? Time(string name)
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : Fail<DateTimeOffset?>($"{name} must be an ISO-8601 time, e.g. 2026-11-23T17:00:00Z");
    }

    public int Number(string name, int fallback, int min, int max)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : Fail<int>($"{name} must be a whole number from {min} to {max}");
    }

    public string? Choice(string name, params string[] allowed)
    {
        var text = Text(name);
        return text is null || allowed.Contains(text, StringComparer.Ordinal) ? text : Fail<string?>($"{name} must be one of: {string.Join(", ", allowed)}");
    }

    /// <summary>Records <paramref name="message"/> as the problem (when none was recorded) and returns the default: for checks made outside this class.</summary>
    public T Invalid<T>(string message) => Fail<T>(message);

    private void Fail(string message) => Error ??= message;

    private T Fail<T>(string message)
    {
        Fail(message);
        return default!;
    }
}
