namespace Omni.Services.Http;

/// <summary>Reads a request body into memory, giving up (null) as soon as it passes the limit.</summary>
public static class BoundedBody
{
    public static async Task<BinaryData?> ReadAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return new BinaryData(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }
}
