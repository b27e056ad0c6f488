using System.Text;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Steps.Ticks;
using Pipelines.Testing;

namespace Pipelines.Steps.Tests.Ingest.BookLive;

public sealed class StreamMessageJsonTests
{
    private static readonly byte[] BnbUsdt = "BNBUSDT"u8.ToArray();

    [Fact]
    public void The_book_ticker_payload_documented_by_binance_is_read_exactly()
    {
        // The example event of Binance's "Individual Symbol Book Ticker Streams" documentation.
        var json = """{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}"""u8;

        Assert.True(BookTickerJson.TryParse(json, BnbUsdt, 77, out var ticker, out var problem), problem);
        Assert.Equal(new BookTicker(400900217, 2_535_190_000, 3_121_000_000, 2_536_520_000, 4_066_000_000, 77), ticker);
    }

    [Theory]
    [InlineData("""{"u":1,"s":"BNBUSDT","b":"1","B":"1","a":"2"}""", "lacks")]
    [InlineData("""{"u":1,"s":"ETHUSDT","b":"1","B":"1","a":"2","A":"1"}""", "symbol")]
    [InlineData("""{"u":1,"s":"BNBUSDT","b":"1.000000001","B":"1","a":"2","A":"1"}""", "(b)")]
    [InlineData("""{"u":-1,"s":"BNBUSDT","b":"1","B":"1","a":"2","A":"1"}""", "(u)")]
    [InlineData("""{"e":"trade","u":1,"s":"BNBUSDT","b":"1","B":"1","a":"2","A":"1"}""", "event type")]
    [InlineData("""{"u":1,"s":"BNBUSDT","b":"1","B":"1","a":"2","A":"1"} x""", "JSON")]
    [InlineData("""{"u":1,"s":"BNBUSDT","b":"1","B":"1","a":"2","A":"1""", "truncated")]
    public void A_bad_book_ticker_is_refused_with_the_reason(string json, string reason)
    {
        Assert.False(BookTickerJson.TryParse(Encoding.UTF8.GetBytes(json), BnbUsdt, 0, out _, out var problem));
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void A_combined_stream_message_gives_its_stream_name_and_data_in_place_whatever_the_field_order()
    {
        var json = """{"data":{"u":1,"x":[1,{"y":2}]},"other":true,"stream":"bnbusdt@bookTicker"}"""u8;

        Assert.True(CombinedStreamJson.TryUnwrap(json, out var stream, out var data, out var problem), problem);
        Assert.Equal("bnbusdt@bookTicker", Encoding.UTF8.GetString(json[stream]));
        Assert.Equal("""{"u":1,"x":[1,{"y":2}]}""", Encoding.UTF8.GetString(json[data]));
    }

    [Theory]
    [InlineData("""{"stream":"a"}""", "lacks")]
    [InlineData("""{"stream":"a","data":[1]}""", "data is not an object")]
    [InlineData("""{"stream":1,"data":{}}""", "stream name")]
    [InlineData("""{"stream":"a","data":{"u":""", "truncated")]
    [InlineData("""[]""", "not a JSON object")]
    public void A_message_that_is_not_a_combined_stream_message_is_refused(string json, string reason)
    {
        Assert.False(CombinedStreamJson.TryUnwrap(Encoding.UTF8.GetBytes(json), out _, out _, out var problem));
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void An_exact_trade_keeps_price_and_quantity_as_fixed_point_units_and_refuses_what_it_cannot_hold()
    {
        var json = """{"e":"aggTrade","E":1,"s":"BNBUSDT","a":12345,"p":"0.00100000","q":2.5,"f":100,"l":105,"T":123456785,"m":true,"M":true}""";

        Assert.True(AggTradeEventJson.TryParseExact(Encoding.UTF8.GetBytes(json), BnbUsdt, 9, out var trade, out var problem), problem);
        Assert.Equal(new RecordedTrade(12345, 123_456_785_000, 9, 100_000, 250_000_000, true), trade);

        var tooFine = json.Replace("\"0.00100000\"", "\"0.000000001\"");
        Assert.True(AggTradeEventJson.TryParse(Encoding.UTF8.GetBytes(tooFine), BnbUsdt, out _, out _));
        Assert.False(AggTradeEventJson.TryParseExact(Encoding.UTF8.GetBytes(tooFine), BnbUsdt, 9, out _, out problem));
        Assert.Contains("price (p)", problem);
    }

    [Fact]
    public void Unwrapping_and_reading_depth_ticker_and_trade_messages_allocates_nothing()
    {
        var messages = new[]
        {
            """{"stream":"bnbusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"BNBUSDT","U":5,"u":9,"b":[["25.1","3"],["25.0","0"]],"a":[["25.2","1.5"]]}}""",
            """{"stream":"bnbusdt@bookTicker","data":{"u":9,"s":"BNBUSDT","b":"25.1","B":"3","a":"25.2","A":"1.5"}}""",
            """{"stream":"bnbusdt@aggTrade","data":{"e":"aggTrade","E":1,"s":"BNBUSDT","a":7,"p":"25.2","q":"0.5","f":1,"l":1,"T":2,"m":false,"M":true}}""",
        }.Select(Encoding.UTF8.GetBytes).ToArray();
        var depth = new DepthEventJson(100);
        long checksum = 0;

        void ReadAll()
        {
            for (var m = 0; m < messages.Length; m++)
            {
                if (!CombinedStreamJson.TryUnwrap(messages[m], out _, out var data, out _)) throw new InvalidOperationException("unwrap");
                var span = messages[m].AsSpan()[data];
                var read = m switch
                {
                    0 => depth.TryParse(span, BnbUsdt, out var diff, out _) && (checksum += diff.FinalUpdateId) != 0,
                    1 => BookTickerJson.TryParse(span, BnbUsdt, 1, out var ticker, out _) && (checksum += ticker.BidPrice) != 0,
                    _ => AggTradeEventJson.TryParseExact(span, BnbUsdt, 1, out var trade, out _) && (checksum += trade.Price) != 0,
                };
                if (!read) throw new InvalidOperationException("unread");
            }
        }

        ReadAll();
        var least = AllocationCounter.LeastPerRound(_ =>
        {
            for (var i = 0; i < 1_000; i++) ReadAll();
        });

        Assert.Equal(0, least);
        Assert.NotEqual(0, checksum);
    }
}
