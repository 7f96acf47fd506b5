using System.Buffers;

namespace Omni.Services.Storage;

/// <summary>
/// A growable byte buffer on <see cref="ArrayPool{T}.Shared"/>: what <see cref="TableBatchWriter"/> builds a request
/// body in (and reads a response into), so that a steady stream of transactions reuses the same few arrays instead of
/// allocating new ones per request. Return it with <see cref="Dispose"/>; nothing may hold its memory after that.
/// </summary>
internal sealed class PooledByteBuffer(int initialCapacity = 16 * 1024) : IBufferWriter<byte>, IDisposable
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(initialCapacity);

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, Length);

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Length + count > _array.Length)
        {
            throw new InvalidOperationException("advanced past the end of the buffer");
        }

        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(Length);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_array.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Reads <paramref name="stream"/> to its end into the buffer.</summary>
    public async Task ReadFromAsync(Stream stream, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await stream.ReadAsync(GetMemory(4096), cancellationToken);
            if (read == 0)
            {
                return;
            }

            Length += read;
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = Length + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
        _array.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }

    public void Dispose()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
            Length = 0;
        }
    }
}
