using System.Text;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ticks;
using Pipelines.Testing;

namespace Pipelines.Steps.Tests.Ticks;

public sealed class AggTradeEventJsonTests
{
    private static readonly byte[] BnbBtc = "BNBBTC"u8.ToArray();

    private static (bool Ok, AggTrade Trade, string? Problem) Parse(string json)
    {
        var ok = AggTradeEventJson.TryParse(Encoding.UTF8.GetBytes(json), BnbBtc, out var trade, out var problem);
        return (ok, trade, problem);
    }

    [Fact]
    public void The_payload_documented_by_binance_is_read_with_its_millisecond_trade_time_as_microseconds()
    {
        // The example event of Binance's "Aggregate Trade Streams" documentation.
        var (ok, trade, problem) = Parse("""{"e":"aggTrade","E":123456789,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":123456785,"m":true,"M":true}""");

        Assert.True(ok, problem);
        Assert.Equal(new AggTrade(12345, 0.001, 100, 100, 105, 123_456_785_000, true, true), trade);
    }

    [Fact]
    public void Field_order_does_not_matter_unknown_fields_are_skipped_and_microsecond_times_are_kept()
    {
        var (ok, trade, problem) = Parse("""{"x":{"nested":[1,2,{"a":9}]},"T":1735689600123456,"m":false,"q":2.5,"p":"93500.10","a":7,"s":"BNBBTC","e":"aggTrade","f":1,"l":1}""");

        Assert.True(ok, problem);
        Assert.Equal(new AggTrade(7, 93500.10, 2.5, 1, 1, 1_735_689_600_123_456, false, false), trade);
    }

    [Theory]
    [InlineData("""{"e":"aggTrade","s":"BNBBTC","a":1,"p":"1","q":"1","T":5,"m":tr""", "truncated")]
    [InlineData("""{"e":"aggTrade","s":"BNBBTC","a":1,"p":"1","q":"1","T":5""", "truncated")]
    [InlineData("""{"e":"trade","s":"BNBBTC","a":1,"p":"1","q":"1","T":5,"m":true}""", "event type")]
    [InlineData("""{"e":"aggTrade","s":"ETHBTC","a":1,"p":"1","q":"1","T":5,"m":true}""", "symbol")]
    [InlineData("""{"e":"aggTrade","s":"BNBBTC","a":1,"p":"one","q":"1","T":5,"m":true}""", "price")]
    [InlineData("""{"e":"aggTrade","s":"BNBBTC","a":1.5,"p":"1","q":"1","T":5,"m":true}""", "aggregate trade id")]
    [InlineData("""{"e":"aggTrade","s":"BNBBTC","a":1,"p":"1","q":"1","m":true}""", "lacks")]
    [InlineData("""{"e":{"aggTrade":1},"s":"BNBBTC","a":1,"p":"1","q":"1","T":5,"m":true}""", "event type")]
    [InlineData("""{"e":"aggTrade","s":"BNBBTC","a":1,"p":"1","q":"1","T":5,"m":true} {}""", "JSON")]
    [InlineData("""[{"e":"aggTrade"}]""", "not a JSON object")]
    public void A_message_that_is_not_a_complete_aggTrade_event_for_the_symbol_is_refused_with_the_reason(string json, string reason)
    {
        var (ok, _, problem) = Parse(json);

        Assert.False(ok);
        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void Reading_a_valid_event_allocates_nothing()
    {
        var json = Encoding.UTF8.GetBytes("""{"e":"aggTrade","E":123456789,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":123456785,"m":true,"M":true}""");
        AggTradeEventJson.TryParse(json, BnbBtc, out _, out _);

        var allocated = AllocationCounter.LeastPerRound(round =>
        {
            for (var i = 0; i < 100; i++) AggTradeEventJson.TryParse(json, BnbBtc, out _, out _);
        });

        Assert.Equal(0, allocated);
    }
}
