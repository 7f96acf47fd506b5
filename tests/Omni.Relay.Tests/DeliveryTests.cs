using System.Diagnostics.Metrics;
using Omni.Relay.Tests.Support;

namespace Omni.Relay.Tests;

/// <summary>Omni unreachable or refusing: the buffer holds every frame, delivers it once Omni is back, and stops the gateway when full.</summary>
public class DeliveryTests
{
    [Fact]
    public async Task OmniDown_WhileDispatchesKeepComing_EveryDispatchDeliveredOnce()
    {
        // "Omni down for 30 s" scaled down: 1.5 s of 503s while 30 dispatches arrive and the socket drops once.
        await using var h = await RelayHarness.StartAsync();
        var depths = new List<int>();
        using var listener = DepthListener(depths);
        h.StartRelay();
        await h.ConnectedAsync();
        var session = h.Gateway.CurrentSession!;
        await h.SessionDeliveredAsync(session);

        h.Omni.Down = true;
        var downUntil = DateTime.UtcNow.AddSeconds(1.5);
        for (var i = 1; i <= 30; i++)
        {
            await h.Gateway.MessageAsync("600", $"{7000 + i}");
            if (i == 15)
            {
                await h.Gateway.DropAsync();
            }

            await Task.Delay(30);
        }

        await RelayHarness.Eventually(() => h.Relay!.Buffer.Depth >= 30, "the frames to wait in the buffer");
        listener.RecordObservableInstruments();
        Assert.True(h.Omni.Refused > 0, "Omni refused deliveries while down");
        Assert.Contains(depths, d => d >= 30);
        while (DateTime.UtcNow < downUntil)
        {
            await Task.Delay(50);
        }

        h.Omni.Down = false;
        await h.SessionDeliveredAsync(session);
        await RelayHarness.Eventually(() => h.Relay!.Buffer.Depth == 0, "the buffer to drain");

        Assert.Equal(0, h.Omni.Unauthorized);
        h.AssertSessionDeliveredExactlyOnce(session);
    }

    [Fact]
    public async Task BufferFull_StopsReadingTheGateway_ThenResumesAndDeliversEverything()
    {
        await using var h = await RelayHarness.StartAsync(o => o.MaxBufferedFrames = 8);
        h.StartRelay();
        await h.ConnectedAsync();
        var session = h.Gateway.CurrentSession!;
        await h.SessionDeliveredAsync(session);

        h.Omni.Down = true;
        for (var i = 1; i <= 20; i++)
        {
            await h.Gateway.MessageAsync("700", $"{8000 + i}");
        }

        await RelayHarness.Eventually(() => !h.Gateway.IsConnected, "the relay to stop reading (disconnect) with a full buffer");
        await RelayHarness.Eventually(() => h.Relay!.Shards[0].Status == Omni.Relay.Gateway.ShardStatus.WaitingForBuffer, "the shard to wait for room");
        Assert.Equal(8, h.Relay!.Buffer.Depth);
        var connections = h.Gateway.Connections;
        await Task.Delay(300);
        Assert.Equal(connections, h.Gateway.Connections); // no reconnect while full

        h.Omni.Down = false;
        await h.SessionDeliveredAsync(session);

        Assert.Equal(1, h.Gateway.Identifies);
        Assert.True(h.Gateway.Resumes >= 1);
        h.AssertSessionDeliveredExactlyOnce(session);
    }

    [Fact]
    public async Task BufferedFrames_SurviveARestart_AndAreDeliveredByTheNextRun()
    {
        await using var h = await RelayHarness.StartAsync();
        h.StartRelay();
        await h.ConnectedAsync();
        var session = h.Gateway.CurrentSession!;
        await h.SessionDeliveredAsync(session);
        h.Omni.Down = true;
        await h.Gateway.MessageAsync("800", "9001");
        await h.Gateway.MessageAsync("800", "9002");
        await RelayHarness.Eventually(() => h.Relay!.Buffer.Depth == 2, "two frames buffered");
        await h.StopRelayAsync();

        h.Omni.Down = false;
        h.StartRelay();
        await h.ConnectedAsync(); // resumed: RESUMED is in the session's log too
        await h.SessionDeliveredAsync(session);

        h.AssertSessionDeliveredExactlyOnce(session);
    }

    private static MeterListener DepthListener(List<int> depths)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RelayMetrics.MeterName && instrument.Name == "omni.relay.buffer.depth")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            lock (depths)
            {
                depths.Add(value);
            }
        });
        listener.Start();
        return listener;
    }
}
