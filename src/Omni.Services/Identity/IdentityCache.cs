using Omni.Engine.Identity;

namespace Omni.Services.Identity;

/// <summary>
/// Handle → owning identity, remembered in process so the steady state of ingest costs no storage operation: a
/// bounded least-recently-used map whose entries expire after <see cref="IdentityOptions.CacheTtl"/>. Moves made in
/// this process update it at once; moves made by another process reach it when the entry expires.
/// </summary>
public sealed class IdentityCache(IdentityOptions options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<HandleKey, LinkedListNode<Entry>> _map = [];
    private readonly LinkedList<Entry> _lru = new();
    private readonly int _capacity = Math.Max(1, options.CacheSize);

    /// <summary>The entry that says this process noted <paramref name="handle"/> as seen on <paramref name="instance"/>.</summary>
    public static HandleKey SeenKey(HandleKey handle, string instance) => new("#seen:" + handle.Channel, handle.Handle, instance);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    public string? Get(HandleKey key)
    {
        lock (_lock)
        {
            if (!_map.TryGetValue(key, out var node))
            {
                return null;
            }

            if (node.Value.ExpiresAt <= time.GetUtcNow())
            {
                _lru.Remove(node);
                _map.Remove(key);
                return null;
            }

            _lru.Remove(node);
            _lru.AddFirst(node);
            return node.Value.IdentityId;
        }
    }

    public void Set(HandleKey key, string identityId)
    {
        var entry = new Entry(key, identityId, time.GetUtcNow() + options.CacheTtl);
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _lru.Remove(existing);
            }

            var node = _lru.AddFirst(entry);
            _map[key] = node;
            while (_map.Count > _capacity && _lru.Last is { } oldest)
            {
                _lru.RemoveLast();
                _map.Remove(oldest.Value.Key);
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _map.Clear();
            _lru.Clear();
        }
    }

    private sealed record Entry(HandleKey Key, string IdentityId, DateTimeOffset ExpiresAt);
}
