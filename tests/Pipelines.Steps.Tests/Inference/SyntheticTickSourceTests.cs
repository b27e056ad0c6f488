using Pipelines.Steps.Ticks;
using Pipelines.Steps.Tests.Support;
using Pipelines.Testing;

namespace Pipelines.Steps.Tests.Inference;

public sealed class SyntheticTickSourceTests
{
    private const long Minute = 60_000_000;

    // Minute bars by hand: an up bar, a zero-volume bar (no trades), a down bar with a recorded taker-buy volume.
    private static readonly MinuteBar[] Bars =
    [
        new(0, 100, 104, 98, 103, 8.0, double.NaN),
        new(Minute, 103, 103, 103, 103, 0.0, double.NaN),
        new(2 * Minute, 103, 105, 101, 102, 5.0, 1.5),
    ];

    private static async Task<Tick[]> Take(ITickSource source, int count, int batch = 7)
    {
        var result = new List<Tick>();
        var buffer = new Tick[batch];
        while (result.Count < count)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, Math.Min(batch, count - result.Count)), default);
            if (read == 0) break;
            result.AddRange(buffer.Take(read));
        }
        return result.ToArray();
    }

    [Fact]
    public async Task Each_bar_becomes_trades_that_walk_its_prices_and_sum_to_its_volume_with_the_buy_share()
    {
        const int n = 10;
        var ticks = await Take(new SyntheticTickSource(Bars, n, seed: 3), 2 * n);

        var up = ticks[..n];
        Assert.Equal(100, up[0].Price);                 // open
        Assert.Equal(98, up[(n - 1) / 3].Price);        // up bar: low first
        Assert.Equal(104, up[2 * (n - 1) / 3].Price);   // then high
        Assert.Equal(103, up[^1].Price);                // close
        Assert.All(up, t => Assert.InRange(t.Price, 98, 104));
        Assert.Equal(8.0, up.Sum(t => t.Quantity), 9);
        // Assumed share from the body: 0.5 + 0.5 * (103 - 100) / (104 - 98) = 0.75.
        Assert.Equal(0.75 * 8.0, up.Where(t => !t.IsBuyerMaker).Sum(t => t.Quantity), 9);
        Assert.Equal(8, up.Count(t => !t.IsBuyerMaker)); // round(0.75 * 10)
        Assert.All(up, t => Assert.InRange(t.TimeMicros, 0, Minute - 1));

        // The zero-volume bar yields nothing; the down bar follows with its recorded share 1.5 / 5 = 0.3.
        var down = ticks[n..];
        Assert.Equal(103, down[0].Price);
        Assert.Equal(105, down[(n - 1) / 3].Price);     // down bar: high first
        Assert.Equal(101, down[2 * (n - 1) / 3].Price);
        Assert.Equal(102, down[^1].Price);
        Assert.Equal(5.0, down.Sum(t => t.Quantity), 9);
        Assert.Equal(1.5, down.Where(t => !t.IsBuyerMaker).Sum(t => t.Quantity), 9);
        Assert.All(down, t => Assert.InRange(t.TimeMicros, 2 * Minute, 3 * Minute - 1));
        Assert.All(ticks, t => Assert.True(t.Quantity > 0));
    }

    [Fact]
    public async Task Trade_ids_rise_by_one_and_times_increase_across_passes_over_the_bars()
    {
        const int n = 6;
        var ticks = await Take(new SyntheticTickSource(Bars, n, seed: 1, firstTradeId: 500), 5 * n);
        for (var i = 0; i < ticks.Length; i++) Assert.Equal(500 + i, ticks[i].TradeId);
        for (var i = 1; i < ticks.Length; i++) Assert.True(ticks[i].TimeMicros > ticks[i - 1].TimeMicros, $"time at {i}");
        // Two trading bars per pass over a span of three minutes: the third bar's trades are the first bar's, 3 minutes later.
        Assert.Equal(ticks[0].TimeMicros + 3 * Minute, ticks[2 * n].TimeMicros);
        Assert.Equal(ticks[0].Price, ticks[2 * n].Price);
    }

    [Fact]
    public async Task The_seed_decides_the_details_and_repeats_them()
    {
        var a = await Take(new SyntheticTickSource(Bars, 12, seed: 9), 48);
        var b = await Take(new SyntheticTickSource(Bars, 12, seed: 9), 48);
        var c = await Take(new SyntheticTickSource(Bars, 12, seed: 10), 48);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(t => t.Quantity), c.Select(t => t.Quantity));
    }

    [Fact]
    public async Task A_tick_limit_ends_the_stream()
    {
        var source = new SyntheticTickSource(Bars, 8, maxTicks: 13);
        var ticks = await Take(source, 100);
        Assert.Equal(13, ticks.Length);
        Assert.Equal(0, await source.ReadAsync(new Tick[4], default));
    }

    [Fact]
    public async Task The_bundled_bars_give_trades_within_each_bar_and_reads_allocate_nothing()
    {
        var bars = MinuteBarCsv.Read(RepositoryFiles.SampleKlines);
        Assert.Equal(30_240, bars.Length);
        var source = new SyntheticTickSource(bars, 16, seed: 2);
        var buffer = new Tick[256];
        await source.ReadAsync(buffer, default);

        long total = 0;
        var least = AllocationCounter.LeastPerRound(round =>
        {
            for (var i = 0; i < 4_000; i++) total += HeldTicks.Read(source, buffer);
        });
        Assert.Equal(3 * 4_000 * 256, total);
        Assert.Equal(0, least);

        // The first traded bar of the sample (2023-03-01 00:00) opens at 23140.48 and closes at 23142.31.
        var first = await Take(new SyntheticTickSource(bars, 16, seed: 2), 16);
        Assert.Equal(23140.48, first[0].Price);
        Assert.Equal(23142.31, first[^1].Price);
        Assert.Equal(2.131777, first.Sum(t => t.Quantity), 9);
        Assert.All(first, t => Assert.InRange(t.Price, 23128.52, 23150.77));
    }

    [Fact]
    public void A_bar_file_with_a_bad_row_is_rejected_naming_the_line()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "open_time,open,high,low,close,volume\n1677628800000,1,2,0.5,1.5,3\n1677628860000,1,2,0.5,abc,3\n");
            var e = Assert.Throws<InvalidDataException>(() => MinuteBarCsv.Read(path));
            Assert.Contains("line 3", e.Message);
            Assert.Contains("close", e.Message);
            File.WriteAllText(path, "open_time,open,high,low,close\n1677628800000,1,2,0.5,1.5\n");
            Assert.Contains("'volume' is missing", Assert.Throws<InvalidDataException>(() => MinuteBarCsv.Read(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
