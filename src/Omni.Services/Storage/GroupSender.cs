namespace Omni.Services.Storage;

/// <summary>
/// Group sending, per key (a table partition, an instance): items added while a group of their key is being sent wait,
/// and the next group takes as many of them as <c>takeGroup</c> allows (it removes what it takes from the list it is
/// given). Nothing waits for company: the first item of an idle key starts a send at once. The sending runs on a task of
/// its own, not the caller's, so a caller that gives up never strands the items behind it. <c>sendGroup</c> settles
/// every item of its group; if it throws anyway (a bug), <c>fail</c> is called for that group and for every item still
/// waiting on the key, whose callers then retry as after any failure. Used by <see cref="Events.EventCommits"/> (one
/// table transaction for many events) and <see cref="Workflows.WorkflowRunInbox"/> (one queue message for many events).
/// </summary>
internal sealed class GroupSender<TItem>(
    Func<List<TItem>, List<TItem>> takeGroup, Func<string, List<TItem>, Task> sendGroup, Action<TItem, Exception> fail)
{
    private readonly Dictionary<string, List<TItem>> _waiting = new(StringComparer.Ordinal);

    public void Add(string key, TItem item)
    {
        bool start;
        lock (_waiting)
        {
            start = !_waiting.TryGetValue(key, out var waiting);
            if (start)
            {
                waiting = [];
                _waiting.Add(key, waiting);
            }

            waiting!.Add(item);
        }

        if (start)
        {
            _ = Task.Run(() => SendAllAsync(key), CancellationToken.None);
        }
    }

    private async Task SendAllAsync(string key)
    {
        List<TItem> group = [];
        try
        {
            while (true)
            {
                lock (_waiting)
                {
                    var waiting = _waiting[key];
                    if (waiting.Count == 0)
                    {
                        _waiting.Remove(key);
                        return;
                    }

                    group = takeGroup(waiting);
                }

                await sendGroup(key, group);
            }
        }
#pragma warning disable CA1031 // A bug here must not leave the key's items waiting forever: they fail, their callers retry.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            List<TItem> stranded;
            lock (_waiting)
            {
                stranded = _waiting.Remove(key, out var waiting) ? waiting : [];
            }

            foreach (var item in group.Concat(stranded))
            {
                fail(item, ex);
            }
        }
    }
}
