using System.Text;
using Pipelines.Steps.Ingest.Binance;
using Pipelines.Testing;

namespace Pipelines.Steps.Tests.Ingest.Book;

public sealed class DepthJsonTests
{
    private static readonly byte[] BnbBtc = "BNBBTC"u8.ToArray();

    [Fact]
    public void The_depth_event_documented_by_binance_is_read_exactly_with_its_update_ids()
    {
        // The example event of Binance's "Diff. Depth Stream" documentation.
        var json = """{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}"""u8.ToArray();

        Assert.True(new DepthEventJson().TryParse(json, BnbBtc, out var diff, out var problem), problem);

        Assert.Equal(157, diff.FirstUpdateId);
        Assert.Equal(160, diff.FinalUpdateId);
        Assert.Equal(1_672_515_782_136_000, diff.EventTimeMicros);
        Assert.Equal([new PriceLevel(240_000, 1_000_000_000)], diff.Bids.ToArray());
        Assert.Equal([new PriceLevel(260_000, 10_000_000_000)], diff.Asks.ToArray());
    }

    [Theory]
    [InlineData("""{"e":"depthUpdate","s":"BNBBTC","U":1,"u":2,"b":[["0.0024","10"]]}""", "lacks")]
    [InlineData("""{"e":"trade","s":"BNBBTC","U":1,"u":2,"b":[],"a":[]}""", "event type")]
    [InlineData("""{"e":"depthUpdate","s":"ETHBTC","U":1,"u":2,"b":[],"a":[]}""", "symbol")]
    [InlineData("""{"e":"depthUpdate","s":"BNBBTC","U":1,"u":2,"b":[[0.0024,"10"]],"a":[]}""", "b (bids)[0] price")]
    [InlineData("""{"e":"depthUpdate","s":"BNBBTC","U":1,"u":2,"b":[],"a":[["0.0026","1e2"]]}""", "a (asks)[0] quantity")]
    [InlineData("""{"e":"depthUpdate","s":"BNBBTC","U":1,"u":2,"b":[],"a":[["0.0026","1","x"]]}""", "more than a price")]
    [InlineData("""{"e":"depthUpdate","s":"BNBBTC","U":1,"u":2,"b":[["1","1"],["2","2"],["3","3"]],"a":[]}""", "more than 2 levels")]
    [InlineData("""{"e":"depthUpdate","s":"BNBBTC","U":1.5,"u":2,"b":[],"a":[]}""", "first update id")]
    [InlineData("""{"e":"depthUpdate","s":"BNBBTC","U":1,"u":2,"b":[["0.0024","10"]""", "JSON")]
    public void A_message_that_is_not_a_complete_depth_event_is_refused_with_the_reason(string json, string reason)
    {
        Assert.False(new DepthEventJson(maxLevelsPerSide: 2).TryParse(Encoding.UTF8.GetBytes(json), BnbBtc, out _, out var problem));

        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void Reading_a_valid_depth_event_allocates_nothing()
    {
        var json = """{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"],["0.0023","0.00000000"]],"a":[["0.0026","100"]]}"""u8.ToArray();
        var parser = new DepthEventJson();
        parser.TryParse(json, BnbBtc, out _, out _);

        var allocated = AllocationCounter.LeastPerRound(round =>
        {
            for (var i = 0; i < 100; i++) parser.TryParse(json, BnbBtc, out _, out _);
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_snapshot_documented_by_binance_is_read_exactly()
    {
        var body = """{"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]}"""u8.ToArray();

        var snapshot = DepthSnapshotJson.Parse(body, "GET /api/v3/depth");

        Assert.Equal(1_027_024, snapshot.LastUpdateId);
        Assert.Equal([new PriceLevel(400_000_000, 43_100_000_000)], snapshot.Bids.ToArray());
        Assert.Equal([new PriceLevel(400_000_200, 1_200_000_000)], snapshot.Asks.ToArray());
    }

    [Theory]
    [InlineData("""{"lastUpdateId":1,"bids":[]}""", "lacks")]
    [InlineData("""{"lastUpdateId":-1,"bids":[],"asks":[]}""", "lastUpdateId")]
    [InlineData("""{"lastUpdateId":1,"bids":[["4.000000001","1"]],"asks":[]}""", "bids[0] price")]
    [InlineData("""{"lastUpdateId":1,"bids":[],"asks":[""", "JSON")]
    public void A_snapshot_of_another_shape_is_refused_naming_the_field(string json, string reason)
    {
        var error = Assert.Throws<BinancePayloadException>(() => DepthSnapshotJson.Parse(Encoding.UTF8.GetBytes(json), "GET /api/v3/depth"));

        Assert.Contains(reason, error.Message);
        Assert.Contains("GET /api/v3/depth", error.Message);
    }

    [Fact]
    public void A_large_snapshot_grows_its_level_arrays_and_keeps_every_level_in_order()
    {
        var levels = string.Join(",", Enumerable.Range(1, 1_000).Select(i => $"[\"{30_000 - i}.01000000\",\"0.{i:D8}\"]"));
        var snapshot = DepthSnapshotJson.Parse(Encoding.UTF8.GetBytes($"{{\"lastUpdateId\":7,\"bids\":[{levels}],\"asks\":[]}}"), "depth");

        Assert.Equal(1_000, snapshot.Bids.Length);
        Assert.Equal(new PriceLevel(2_999_901_000_000, 1), snapshot.Bids.Span[0]);
        Assert.Equal(new PriceLevel(2_900_001_000_000, 1_000), snapshot.Bids.Span[999]);
    }
}
