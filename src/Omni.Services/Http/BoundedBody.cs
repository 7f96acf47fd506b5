namespace Omni.Services.Http;

/// <summary>Reads a request body into memory, giving up (null) as soon as it passes the limit.</summary>
public static class BoundedBody
{
    /// <summary>The first buffer when the length is not announced; it doubles as the body grows.</summary>
    private const int InitialBuffer = 4 * 1024;

    /// <summary>The most allocated up front on an announced length (the bytes have yet to arrive); past it the buffer doubles.</summary>
    private const int MaxUpFront = 1024 * 1024;

    /// <param name="expectedLength">
    /// The announced length (Content-Length), if any: the buffer is sized for it (up to 1 MiB), so a webhook body is read
    /// into one array of its own size with no copy. A body longer or shorter than announced is still read correctly.
    /// </param>
    public static async Task<BinaryData?> ReadAsync(Stream body, long limit, CancellationToken cancellationToken, long? expectedLength = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        // One byte more than the limit is enough to know the body is too large.
        var cap = (int)Math.Min(limit + 1, Array.MaxLength);
        // Room for the announced length plus one, so the read that finds the end needs no larger buffer.
        var buffer = new byte[expectedLength is { } n && n >= 0 && n < cap ? (int)Math.Min(n + 1, MaxUpFront) : Math.Min(InitialBuffer, cap)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, cap));
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return new BinaryData(buffer.AsMemory(0, length));
            }

            length += read;
            if (length > limit)
            {
                return null;
            }
        }
    }
}
