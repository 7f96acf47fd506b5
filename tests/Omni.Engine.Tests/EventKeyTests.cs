using Omni.Engine.Events;

namespace Omni.Engine.Tests;

public class EventKeyTests
{
    [Fact]
    public void ComputeEventId_SameKey_SameId()
    {
        var a = EventKey.ComputeEventId("evolution", "demo", "3EB0ABC", EventKinds.Message);
        var b = EventKey.ComputeEventId("evolution", "demo", "3EB0ABC", EventKinds.Message);
        Assert.Equal(a, b);
        Assert.Matches("^evt_demo_[0-9a-f]{32}$", a);
        Assert.Equal("demo", EventKey.InstanceOf(a));
    }

    [Theory]
    [InlineData("discord", "demo", "3EB0ABC", "message")]
    [InlineData("evolution", "other", "3EB0ABC", "message")]
    [InlineData("evolution", "demo", "3EB0ABD", "message")]
    [InlineData("evolution", "demo", "3EB0ABC", "reaction")]
    public void ComputeEventId_AnyKeyPartDiffers_IdDiffers(string provider, string instance, string id, string kind)
    {
        var baseline = EventKey.ComputeEventId("evolution", "demo", "3EB0ABC", EventKinds.Message);
        Assert.NotEqual(baseline, EventKey.ComputeEventId(provider, instance, id, kind));
    }

    [Fact]
    public void ComputeEventId_SeparatorCannotBeForged()
    {
        // "a\nb" + "c" must not collide with "a" + "b\nc".
        Assert.NotEqual(
            EventKey.ComputeEventId("evolution", "a", "b" + "\n" + "c", "message"),
            EventKey.ComputeEventId("evolution", "a" + "\n" + "b", "c", "message"));
    }
}

public class EventKeyInstanceTests
{
    [Theory]
    [InlineData("evt_demo_0123456789abcdef0123456789abcdef", "demo")]
    [InlineData("evt_my_bot-2_0123456789abcdef0123456789abcdef", "my_bot-2")]
    [InlineData("evt_demo_0123", null)]
    [InlineData("demo_0123456789abcdef0123456789abcdef", null)]
    [InlineData("evt__0123456789abcdef0123456789abcdef", null)]
    [InlineData("evt_a/b_0123456789abcdef0123456789abcdef", null)]
    public void InstanceOf_ParsesOnlyWellFormedIds(string eventId, string? instance)
    {
        Assert.Equal(instance, EventKey.InstanceOf(eventId));
    }

    [Theory]
    [InlineData("demo", true)]
    [InlineData("Sales-Bot_2", true)]
    [InlineData("-demo", false)]
    [InlineData("a b", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    public void IsValidInstanceName_AcceptsUrlAndKeySafeNames(string name, bool valid)
    {
        Assert.Equal(valid, EventKey.IsValidInstanceName(name));
    }
}
