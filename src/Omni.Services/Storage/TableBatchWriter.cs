using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace Omni.Services.Storage;

/// <summary>
/// Sends a Table Storage entity group transaction (the REST API's <c>$batch</c>: one multipart/mixed request holding one
/// changeset of up to 100 sub-requests on one partition, applied all or nothing) with far less allocation than
/// <c>TableClient.SubmitTransactionAsync</c>, which is the normalizer's largest cost (docs/decisions.md, 24): the whole
/// body is built once, in a pooled buffer, each entity's JSON written straight into it (Int64, Double, DateTime, Guid
/// and Binary values with the OData type annotations the service needs), and the response is read into a pooled buffer
/// and scanned for each sub-response's status and ETag without building strings.
/// <para>It keeps <c>SubmitTransactionAsync</c>'s contract, so callers catch what they caught before: the same actions in
/// (<see cref="TableTransactionAction"/> of <see cref="TableEntity"/>), one ETag per action out, a failed sub-request as
/// <see cref="TableTransactionFailedException"/> with its <see cref="TableTransactionFailedException.FailedTransactionActionIndex"/>,
/// status and error code (409 <c>EntityAlreadyExists</c>, 412 for a stale ETag, ...), a failed request as
/// <see cref="RequestFailedException"/>. Limits are checked before sending (<see cref="TableLimits.CheckTransaction"/>,
/// and the body's exact size): Azurite lets some oversized transactions through.</para>
/// <para>Requests go through an Azure.Core pipeline built from the table clients' own options (retries, and the
/// <see cref="StorageOperationCounter"/>: a transaction counts as one table operation) and authenticate as the
/// <c>TableClient</c> does: a shared key (<see cref="TableSharedKeyPolicy"/>) or SAS from a connection string, or a
/// bearer token for <c>https://storage.azure.com/.default</c> from the managed identity.</para>
/// </summary>
public sealed class TableBatchWriter
{
    /// <summary>The Table service REST version Azure.Data.Tables speaks.</summary>
    private const string ServiceVersion = "2019-02-02";

    /// <summary>Azurite's and the storage emulator's well-known account key (public, documented with the emulator).</summary>
    private const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>
    /// Only what JSON requires is escaped (quotes, backslashes, control characters): the body goes to the storage
    /// service, never into HTML, and the default encoder would turn every quote of an event's JSON into six bytes.
    /// </summary>
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private static readonly byte[] Post = "POST"u8.ToArray();
    private static readonly byte[] Put = "PUT"u8.ToArray();
    private static readonly byte[] Merge = "MERGE"u8.ToArray();
    private static readonly byte[] Delete = "DELETE"u8.ToArray();

    private readonly HttpPipeline _pipeline;
    private readonly byte[] _serviceUri;
    private readonly Uri _batchUri;

    /// <param name="serviceUri">The table service endpoint (<c>https://{account}.table.core.windows.net</c>, or Azurite's <c>http://127.0.0.1:10002/{account}</c>).</param>
    /// <param name="pipeline">A pipeline that authenticates requests to it.</param>
    /// <param name="sas">A shared access signature to append to the request, when the pipeline does not authenticate.</param>
    public TableBatchWriter(Uri serviceUri, HttpPipeline pipeline, string? sas = null)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        var service = serviceUri.AbsoluteUri.TrimEnd('/');
        _serviceUri = Encoding.UTF8.GetBytes(service);
        _batchUri = new Uri(service + "/$batch" + (string.IsNullOrEmpty(sas) ? "" : "?" + sas.TrimStart('?')));
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
    }

    /// <summary>
    /// A writer authenticating as a <c>TableServiceClient</c> made from <paramref name="connectionString"/> does: with its
    /// account key (<c>UseDevelopmentStorage=true</c>: the emulator's), else its SAS.
    /// </summary>
    public static TableBatchWriter FromConnectionString(string connectionString, Uri serviceUri, string accountName, ClientOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var settings = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Setting(string name) => settings.TryGetValue(name, out var value) ? value as string : null;

        var development = string.Equals(Setting("UseDevelopmentStorage"), "true", StringComparison.OrdinalIgnoreCase);
        var account = Setting("AccountName") ?? (development ? "devstoreaccount1" : accountName);
        var key = Setting("AccountKey") ?? (development ? DevelopmentAccountKey : null);
        if (key is not null)
        {
            return new TableBatchWriter(serviceUri, HttpPipelineBuilder.Build(options, new TableSharedKeyPolicy(account, Convert.FromBase64String(key))));
        }

        var sas = Setting("SharedAccessSignature")
                  ?? throw new InvalidOperationException("the storage connection string has neither AccountKey nor SharedAccessSignature");
        return new TableBatchWriter(serviceUri, HttpPipelineBuilder.Build(options), sas);
    }

    /// <summary>A writer authenticating with a bearer token for Azure Storage, as a <c>TableServiceClient</c> made with <paramref name="credential"/> does.</summary>
    public static TableBatchWriter FromCredential(TokenCredential credential, Uri serviceUri, ClientOptions options) =>
        new(serviceUri, HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, "https://storage.azure.com/.default")));

    /// <summary>
    /// Applies <paramref name="actions"/> to <paramref name="table"/> as one transaction, all or nothing. Returns each
    /// action's new ETag (null for a delete). Throws <see cref="StorageLimitException"/> before sending when the transaction
    /// exceeds a limit, <see cref="TableTransactionFailedException"/> when a sub-request fails (nothing is applied), and
    /// <see cref="RequestFailedException"/> when the request as a whole is refused.
    /// </summary>
    public async Task<IReadOnlyList<ETag?>> SubmitAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0)
        {
            return [];
        }

        TableLimits.CheckTransaction(actions);
        var batch = Guid.NewGuid();
        using var body = new PooledByteBuffer();
        WriteBody(body, table, actions, batch);
        if (body.Length > TableLimits.MaxTransactionBytes)
        {
            throw new StorageLimitException($"a transaction of {actions.Count} entities is {body.Length:N0} bytes, over the 4 MiB limit");
        }

        using var message = _pipeline.CreateMessage();
        message.BufferResponse = false; // read into a pooled buffer below instead of a new MemoryStream
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(_batchUri);
        request.Headers.SetValue("x-ms-version", ServiceVersion);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        request.Headers.SetValue("Accept", "application/json");
        request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=batch_" + batch.ToString("D"));
        request.Content = RequestContent.Create(body.WrittenMemory);
        await _pipeline.SendAsync(message, cancellationToken);

        var response = message.Response;
        using var answer = new PooledByteBuffer(4 * 1024);
        if (response.ContentStream is { } stream)
        {
            await answer.ReadFromAsync(stream, cancellationToken);
        }

        if (response.Status != 202)
        {
            throw RequestFailure(response.Status, response.Headers.TryGetValue("x-ms-error-code", out var code) ? code : null, answer.WrittenSpan);
        }

        return ReadChangesetResponse(answer.WrittenSpan, actions.Count);
    }

    // ---- the request: one batch part holding one changeset, one part per action ----

    private void WriteBody(PooledByteBuffer body, string table, IReadOnlyList<TableTransactionAction> actions, Guid batch)
    {
        var changeset = Guid.NewGuid();
        using var json = new PooledByteBuffer();
        using var writer = new Utf8JsonWriter(json, JsonOptions);

        body.Write("--batch_"u8);
        WriteGuid(body, batch);
        body.Write("\r\nContent-Type: multipart/mixed; boundary=changeset_"u8);
        WriteGuid(body, changeset);
        body.Write("\r\n\r\n"u8);
        foreach (var action in actions)
        {
            var entity = action.Entity as TableEntity
                         ?? throw new NotSupportedException($"{nameof(TableBatchWriter)} writes {nameof(TableEntity)} rows, not {action.Entity?.GetType().Name ?? "null"}");
            var (verb, keyed, ifMatch, hasBody) = action.ActionType switch
            {
                TableTransactionActionType.Add => (Post, false, null, true),
                TableTransactionActionType.UpsertReplace => (Put, true, null, true),
                TableTransactionActionType.UpsertMerge => (Merge, true, null, true),
                TableTransactionActionType.UpdateReplace => (Put, true, IfMatch(action), true),
                TableTransactionActionType.UpdateMerge => (Merge, true, IfMatch(action), true),
                TableTransactionActionType.Delete => (Delete, true, IfMatch(action), false),
                _ => throw new NotSupportedException($"transaction action {action.ActionType}"),
            };

            json.Clear();
            if (hasBody)
            {
                writer.Reset(json);
                WriteEntity(writer, entity);
                writer.Flush();
            }

            body.Write("--changeset_"u8);
            WriteGuid(body, changeset);
            body.Write("\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"u8);
            body.Write(verb);
            body.Write(" "u8);
            body.Write(_serviceUri);
            body.Write("/"u8);
            WriteUrlEncoded(body, table, doubleQuotes: false);
            if (keyed)
            {
                body.Write("(PartitionKey='"u8);
                WriteUrlEncoded(body, entity.PartitionKey, doubleQuotes: true);
                body.Write("',RowKey='"u8);
                WriteUrlEncoded(body, entity.RowKey, doubleQuotes: true);
                body.Write("')"u8);
            }

            body.Write(" HTTP/1.1\r\nAccept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\n"u8);
            if (ifMatch is not null)
            {
                body.Write("If-Match: "u8);
                WriteText(body, ifMatch);
                body.Write("\r\n"u8);
            }

            if (hasBody)
            {
                body.Write(action.ActionType == TableTransactionActionType.Add
                    ? "Content-Type: application/json\r\nPrefer: return-no-content\r\nContent-Length: "u8
                    : "Content-Type: application/json\r\nContent-Length: "u8);
                WriteNumber(body, json.Length);
                body.Write("\r\n\r\n"u8);
                body.Write(json.WrittenSpan);
            }

            body.Write("\r\n\r\n"u8);
        }

        body.Write("--changeset_"u8);
        WriteGuid(body, changeset);
        body.Write("--\r\n\r\n--batch_"u8);
        WriteGuid(body, batch);
        body.Write("--\r\n"u8);
    }

    /// <summary>The ETag a conditional action is made on: the action's, else the entity's, else any (<c>*</c>).</summary>
    private static string IfMatch(TableTransactionAction action) =>
        action.ETag != default ? action.ETag.ToString() : action.Entity.ETag != default ? action.Entity.ETag.ToString() : "*";

    /// <summary>
    /// One entity as the Table service's JSON: keys, then each property with a value (a null is left out: the service
    /// stores no null property), with an <c>@odata.type</c> annotation where JSON alone would lose the type.
    /// </summary>
    private static void WriteEntity(Utf8JsonWriter writer, TableEntity entity)
    {
        writer.WriteStartObject();
        writer.WriteString("PartitionKey"u8, entity.PartitionKey);
        writer.WriteString("RowKey"u8, entity.RowKey);
        foreach (var (name, value) in entity)
        {
            if (value is null || name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")
            {
                continue;
            }

            switch (value)
            {
                case string s:
                    writer.WriteString(name, s);
                    break;
                case bool b:
                    writer.WriteBoolean(name, b);
                    break;
                case int i:
                    writer.WriteNumber(name, i);
                    break;
                case long l:
                    WriteInt64(writer, name, l);
                    break;
                case double or float:
                    var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    Annotate(writer, name, "Edm.Double"u8);
                    if (double.IsFinite(d))
                    {
                        writer.WriteNumber(name, d);
                    }
                    else
                    {
                        writer.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    }

                    break;
                case DateTimeOffset o:
                    WriteDateTime(writer, name, o.UtcDateTime);
                    break;
                case DateTime t:
                    WriteDateTime(writer, name, t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc));
                    break;
                case Guid g:
                    Annotate(writer, name, "Edm.Guid"u8);
                    writer.WriteString(name, g);
                    break;
                case byte[] bytes:
                    Annotate(writer, name, "Edm.Binary"u8);
                    writer.WriteBase64String(name, bytes);
                    break;
                case BinaryData data:
                    Annotate(writer, name, "Edm.Binary"u8);
                    writer.WriteBase64String(name, data.ToMemory().Span);
                    break;
                case Enum e:
                    writer.WriteString(name, e.ToString());
                    break;
                default:
                    throw new NotSupportedException($"property {name} of type {value.GetType().Name} cannot be stored in a table entity");
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteInt64(Utf8JsonWriter writer, string name, long value)
    {
        Annotate(writer, name, "Edm.Int64"u8);
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
        writer.WriteString(name, digits[..written]);
    }

    private static void WriteDateTime(Utf8JsonWriter writer, string name, DateTime utc)
    {
        Annotate(writer, name, "Edm.DateTime"u8);
        Span<char> text = stackalloc char[40];
        utc.TryFormat(text, out var written, "O", CultureInfo.InvariantCulture); // 2026-12-05T08:38:03.1234567Z
        writer.WriteString(name, text[..written]);
    }

    /// <summary>Writes <c>"{name}@odata.type": "{type}"</c> without allocating the annotation's name.</summary>
    private static void Annotate(Utf8JsonWriter writer, string name, ReadOnlySpan<byte> type)
    {
        const string suffix = "@odata.type";
        var length = name.Length + suffix.Length;
        Span<char> annotation = length <= 256 ? stackalloc char[length] : new char[length];
        name.AsSpan().CopyTo(annotation);
        suffix.AsSpan().CopyTo(annotation[name.Length..]);
        writer.WriteString(annotation, type);
    }

    private static void WriteGuid(PooledByteBuffer body, Guid guid)
    {
        guid.TryFormat(body.GetSpan(36), out var written, "D");
        body.Advance(written);
    }

    private static void WriteNumber(PooledByteBuffer body, int value)
    {
        value.TryFormat(body.GetSpan(11), out var written, provider: CultureInfo.InvariantCulture);
        body.Advance(written);
    }

    private static void WriteText(PooledByteBuffer body, string text)
    {
        var written = Encoding.UTF8.GetBytes(text, body.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        body.Advance(written);
    }

    /// <summary>
    /// A table name or key inside a sub-request's URL: UTF-8, percent-encoded except for RFC 3986's unreserved
    /// characters; inside a key's quotes, a quote is doubled first (OData's string literal).
    /// </summary>
    private static void WriteUrlEncoded(PooledByteBuffer body, string value, bool doubleQuotes)
    {
        Span<byte> utf8 = stackalloc byte[4];
        var hex = "0123456789ABCDEF"u8;
        foreach (var rune in value.EnumerateRunes())
        {
            if (doubleQuotes && rune.Value == '\'')
            {
                body.Write("%27%27"u8);
                continue;
            }

            var count = rune.EncodeToUtf8(utf8);
            var span = body.GetSpan(count * 3);
            var at = 0;
            foreach (var b in utf8[..count])
            {
                if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
                {
                    span[at++] = b;
                }
                else
                {
                    span[at++] = (byte)'%';
                    span[at++] = hex[b >> 4];
                    span[at++] = hex[b & 0xF];
                }
            }

            body.Advance(at);
        }
    }

    // ---- the response: one changeset response, one sub-response per action (or one for the failing action) ----

    /// <summary>
    /// The ETag of each sub-response (<c>HTTP/1.1 204</c> ... <c>ETag: W/"datetime'…'"</c>), or the failure of the one
    /// that failed: the service stops at the first failing action and answers for it alone.
    /// </summary>
    private static ETag?[] ReadChangesetResponse(ReadOnlySpan<byte> response, int count)
    {
        var etags = new ETag?[count];
        var index = 0;
        var rest = response;
        for (var at = rest.IndexOf("HTTP/1.1 "u8); at >= 0; at = rest.IndexOf("HTTP/1.1 "u8))
        {
            rest = rest[(at + "HTTP/1.1 ".Length)..];
            if (rest.Length < 3 || !int.TryParse(rest[..3], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
            {
                throw new RequestFailedException(202, "the table service answered a transaction with a sub-response that has no status", "InvalidBatchResponse", null);
            }

            var headersEnd = rest.IndexOf("\r\n\r\n"u8);
            var headers = headersEnd < 0 ? rest : rest[..headersEnd];
            if (status >= 400)
            {
                var content = headersEnd < 0 ? [] : rest[(headersEnd + 4)..];
                var end = content.IndexOf("\r\n--"u8);
                throw SubRequestFailure(status, content[..(end < 0 ? content.Length : end)]);
            }

            if (index < count && Header(headers, "ETag"u8) is { } etag)
            {
                etags[index] = new ETag(etag);
            }

            index++;
            rest = headersEnd < 0 ? [] : rest[headersEnd..];
        }

        return etags;
    }

    private static string? Header(ReadOnlySpan<byte> headers, ReadOnlySpan<byte> name)
    {
        foreach (var range in headers.Split("\r\n"u8))
        {
            var line = headers[range];
            if (line.Length > name.Length && line[name.Length] == (byte)':' && Ascii.EqualsIgnoreCase(line[..name.Length], name))
            {
                return Encoding.UTF8.GetString(line[(name.Length + 1)..].Trim((byte)' '));
            }
        }

        return null;
    }

    /// <summary>A failed sub-request: its status and error code, and its index, which the service puts before the message (<c>"3:The specified…"</c>).</summary>
    private static TableTransactionFailedException SubRequestFailure(int status, ReadOnlySpan<byte> content)
    {
        var (code, message) = ODataError(content);
        var failure = new RequestFailedException(status, $"The table transaction failed ({status} {code}): {message}", code, null);
        var colon = message.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            failure.Data["FailedEntity"] = index.ToString(CultureInfo.InvariantCulture); // where TableTransactionFailedException reads the index
        }

        return new TableTransactionFailedException(failure);
    }

    private static RequestFailedException RequestFailure(int status, string? headerCode, ReadOnlySpan<byte> content)
    {
        var (code, message) = ODataError(content);
        code = headerCode ?? code;
        return new RequestFailedException(status, $"The table transaction request failed ({status} {code}): {message}", code, null);
    }

    /// <summary><c>{"odata.error":{"code":"…","message":{"value":"…"}}}</c>, as far as it is there; else the content as text.</summary>
    private static (string? Code, string Message) ODataError(ReadOnlySpan<byte> content)
    {
        try
        {
            var reader = new Utf8JsonReader(content);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.TryGetProperty("odata.error", out var error))
            {
                var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v)
                    ? v.GetString()
                    : null;
                return (code, message ?? "");
            }
        }
        catch (JsonException)
        {
            // not JSON (an XML error, or nothing): the text is the message
        }

        var text = Encoding.UTF8.GetString(content.Length > 2048 ? content[..2048] : content);
        return (null, text);
    }
}
