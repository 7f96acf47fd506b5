using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Omni.Services.Storage;

/// <summary>
/// Signs a Table service request with the account key, as <c>TableClient</c> does for a connection string with a key
/// (Azurite, and accounts that allow shared keys): the <c>SharedKeyLite</c> scheme of the Table service, whose string
/// to sign is the request date and the canonicalized resource (<c>/{account}{path}</c>, plus <c>?comp=</c> when the URI
/// has one). <see cref="TableBatchWriter"/> uses it for connection strings; with a managed identity it uses a bearer token.
/// </summary>
internal sealed class TableSharedKeyPolicy(string accountName, byte[] accountKey) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = message.Request;
        var date = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        request.Headers.SetValue("x-ms-date", date);

        var path = request.Uri.Path;
        var resource = new StringBuilder(accountName.Length + path.Length + 16).Append('/').Append(accountName).Append(path.Length > 0 ? path : "/");
        if (Comp(request.Uri.Query) is { } comp)
        {
            resource.Append("?comp=").Append(comp);
        }

        var signature = Convert.ToBase64String(HMACSHA256.HashData(accountKey, Encoding.UTF8.GetBytes(date + "\n" + resource)));
        request.Headers.SetValue("Authorization", $"SharedKeyLite {accountName}:{signature}");
    }

    private static string? Comp(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return null;
        }

        var start = query.IndexOf("comp=", StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }

        start += "comp=".Length;
        var end = query.IndexOf('&', start);
        return end < 0 ? query[start..] : query[start..end];
    }
}
