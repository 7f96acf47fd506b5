using Microsoft.Extensions.Logging.Abstractions;
using Omni.Local.Queue;
using Omni.Local.Tests.Support;

namespace Omni.Local.Tests;

/// <summary>
/// The consumers' hold on a message (<see cref="MessageLease"/>), against Azurite's queue: renewed while it is handled, so a
/// short visibility timeout never hands a slow message to a second worker; and once the holder is gone (a killed host),
/// the message is back within that timeout, not the 5 minutes it used to take.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class MessageLeaseTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Lease_SlowMessageStaysHiddenWhileHandled_AKilledHostsMessageReturnsWithinTheTimeout()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var queue = host.Storage.IngestQueue;

        // Handled for twice the timeout: renewed, never visible to another receiver, deleted with the latest pop receipt.
        await queue.SendMessageAsync("slow");
        var slow = (await queue.ReceiveMessageAsync(Visibility)).Value;
        await using (var lease = new MessageLease(queue, slow, Visibility, NullLogger.Instance))
        {
            await Task.Delay(Visibility * 2);
            Assert.Null((await queue.ReceiveMessageAsync(Visibility)).Value);
            await lease.DeleteAsync(CancellationToken.None);
        }

        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);

        // The holder stops renewing without deleting (the host was killed): the message is back within the timeout.
        await queue.SendMessageAsync("orphaned");
        var held = (await queue.ReceiveMessageAsync(Visibility)).Value;
        var lost = new MessageLease(queue, held, Visibility, NullLogger.Instance);
        await lost.DisposeAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var back = await OmniHost.EventuallyAsync(async () => (await queue.ReceiveMessageAsync(Visibility)).Value, m => m is not null, "the message to come back");
        Assert.Equal((held.MessageId, 2L), (back!.MessageId, back.DequeueCount));
        Assert.True(watch.Elapsed < Visibility + TimeSpan.FromSeconds(2), $"the message came back after {watch.Elapsed}");
    }

    [Fact]
    public async Task Lease_LostToAnotherReceiver_DeleteAndReleaseDoNotThrow_TheNewHolderKeepsTheMessage()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var queue = host.Storage.IngestQueue;
        await queue.SendMessageAsync("starved");

        // Received for 1 s but leased as if for 30 s (renewal every 10 s): as a starved process would, it misses the renewal,
        // and another receiver takes the message with a new pop receipt.
        var first = (await queue.ReceiveMessageAsync(TimeSpan.FromSeconds(1))).Value;
        await using var lease = new MessageLease(queue, first, TimeSpan.FromSeconds(30), NullLogger.Instance);
        var second = await OmniHost.EventuallyAsync(async () => (await queue.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value, m => m is not null, "the message to reappear");

        await lease.DeleteAsync(CancellationToken.None);            // PopReceiptMismatch: logged, not thrown
        await lease.ReleaseAsync(TimeSpan.Zero, CancellationToken.None);

        // The second holder still has it, and finishes it.
        await queue.DeleteMessageAsync(second!.MessageId, second.PopReceipt);
        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
    }
}
