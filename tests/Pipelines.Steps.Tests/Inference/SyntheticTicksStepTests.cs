using Pipelines.Abstractions;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Tests.Inference;

public sealed class SyntheticTicksStepTests : IDisposable
{
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task The_table_holds_the_ticks_the_synthetic_source_streams_with_the_tick_columns()
    {
        var bars = _context.CopyIn(RepositoryFiles.SampleKlines, "samples/bars.csv");
        var outputs = await new SyntheticTicksStep().ExecuteAsync(new SyntheticTicksInputs { Path = bars, Ticks = 1_000, TradesPerBar = 16, Seed = 4 }, _context, default);

        Assert.Equal(1_000, outputs.Rows);
        Assert.Equal(["trade_id", "time", "is_buyer_maker", .. TickColumns.Names], outputs.Columns);
        var expected = new Tick[1_000];
        await new SyntheticTickSource(MinuteBarCsv.Read(bars.FullPath), 16, seed: 4).ReadAsync(expected, default);
        using var table = new ParquetProbe(_context.FullPath(outputs.Table));
        var rows = table.Rows("SELECT trade_id, epoch_us(time), is_buyer_maker, price, quantity, buy_volume, sell_volume, close, volume FROM {t} ORDER BY trade_id");
        for (var i = 0; i < expected.Length; i++)
        {
            var tick = expected[i];
            Assert.Equal([tick.TradeId, tick.TimeMicros, tick.IsBuyerMaker, tick.Price, tick.Quantity,
                tick.IsBuyerMaker ? 0.0 : tick.Quantity, tick.IsBuyerMaker ? tick.Quantity : 0.0, tick.Price, tick.Quantity], rows[i]);
        }
    }

    [Fact]
    public async Task A_non_positive_tick_count_names_the_input()
    {
        var bars = _context.CopyIn(RepositoryFiles.SampleKlines, "samples/bars.csv");
        var e = await Assert.ThrowsAsync<StepInputException>(() =>
            new SyntheticTicksStep().ExecuteAsync(new SyntheticTicksInputs { Path = bars, Ticks = 0 }, _context, default));
        Assert.Equal("ticks", e.Input);
    }
}
