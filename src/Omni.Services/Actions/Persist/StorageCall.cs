using Azure;

namespace Omni.Services.Actions.Persist;

/// <summary>Omni's own storage, called by an action: an unreachable or failing table is a transient failure of the step (retried per its policy).</summary>
public static class StorageCall
{
    public static async Task<T> RunAsync<T>(string actionId, Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (RequestFailedException e)
        {
            throw new TransientActionException($"{actionId}: storage: {e.Status} {e.ErrorCode}: {e.Message.Split('\n')[0]}", e);
        }
    }
}
