using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Omni.Local.Queue;

/// <summary>
/// Keeps one received queue message invisible while this host handles it: its visibility is renewed every third of the
/// visibility timeout, the way the Functions queue trigger renews its own. So the timeout can be short (the bound on how
/// long a killed host's messages stay hidden: <c>Omni:Normalizer:VisibilityTimeout</c>, 30 s) without a slow message
/// (a workflow step calling an agent) being delivered to a second worker. Deleting or releasing the message stops the
/// renewal first and uses the latest pop receipt. Renewal runs on real time: visibility is the storage service's clock.
/// </summary>
internal sealed class MessageLease : IAsyncDisposable
{
    private readonly QueueClient _queue;
    private readonly TimeSpan _visibility;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;
    private string _popReceipt;

    public MessageLease(QueueClient queue, QueueMessage message, TimeSpan visibility, ILogger logger)
    {
        _queue = queue;
        Message = message;
        _visibility = visibility;
        _logger = logger;
        _popReceipt = message.PopReceipt;
        _renewing = RenewAsync(_stop.Token);
    }

    public QueueMessage Message { get; }

    /// <summary>The message is done: stop renewing, delete it.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        await StopAsync();
        try
        {
            await _queue.DeleteMessageAsync(Message.MessageId, _popReceipt, cancellationToken);
        }
        catch (RequestFailedException e) when (IsLost(e))
        {
            Lost(e, "delete");
        }
    }

    /// <summary>The message failed: stop renewing, make it visible again after <paramref name="delay"/>.</summary>
    public async Task ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        await StopAsync();
        try
        {
            await _queue.UpdateMessageAsync(Message.MessageId, _popReceipt, visibilityTimeout: delay, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (IsLost(e))
        {
            Lost(e, "release");
        }
    }

    /// <summary>
    /// The lease was lost: a renewal came too late (a starved process), the message reappeared and another receive
    /// holds it now (PopReceiptMismatch), or it is gone (MessageNotFound). That holder finishes it; handling is idempotent.
    /// </summary>
    private static bool IsLost(RequestFailedException e) =>
        e.Status == 404 || e.ErrorCode is "PopReceiptMismatch" or "MessageNotFound";

    private void Lost(RequestFailedException e, string what) =>
        _logger.LogWarning("Could not {What} message {MessageId} on {Queue}: its lease was lost ({Code}); whoever holds it now finishes it",
            what, Message.MessageId, _queue.Name, e.ErrorCode ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Stops renewing (shutting down: the message comes back within the visibility timeout).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _renewing;
    }

    private async Task RenewAsync(CancellationToken stop)
    {
        var every = _visibility / 3;
        try
        {
            while (true)
            {
                try
                {
                    await Task.Delay(every, stop);
                }
                catch (OperationCanceledException)
                {
                    return; // stopped: the caller deletes or releases the message, or leaves it to come back
                }

                // Not cancelled half-way: a renewal the service applied changes the pop receipt, and the caller needs the new one.
                var receipt = await _queue.UpdateMessageAsync(Message.MessageId, _popReceipt, visibilityTimeout: _visibility, cancellationToken: CancellationToken.None);
                _popReceipt = receipt.Value.PopReceipt;
            }
        }
        catch (RequestFailedException e)
        {
            // Lost (deleted elsewhere, or a storage failure): the message may be delivered again, which handling tolerates.
            _logger.LogWarning(e, "Renewing the visibility of message {MessageId} on {Queue} failed", Message.MessageId, _queue.Name);
        }
    }
}
