using Pipelines.DuckDb;
using Pipelines.Abstractions;
using Pipelines.Steps.Tables;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Inference;

/// <summary>
/// Writes the ticks of <see cref="SyntheticTickSource"/> as a table, with the columns the tick loop offers to
/// features (<see cref="TickColumns"/>), so a model can be featurized and trained on exactly what inference/tick
/// will stream.
/// </summary>
[Step("inference/synthetic-ticks", "Inference", "Synthetic ticks",
    Description = "Generate seeded trades from one-minute bars (the synthetic source of inference/tick) as a table with trade_id, time, is_buyer_maker and the tick columns features read (price, quantity, buy_volume, sell_volume, open, high, low, close, volume), for training tick models.")]
public sealed class SyntheticTicksStep : Step<SyntheticTicksInputs, TableOutputs>
{
    private const string Table = "ticks";

    public override async Task<TableOutputs> ExecuteAsync(SyntheticTicksInputs inputs, IStepContext context, CancellationToken cancellationToken)
    {
        if (inputs.Ticks < 1) throw new StepInputException("ticks", $"must be at least 1, got {inputs.Ticks}");
        var source = TickSources.Create("synthetic", new TickSourceOptions
        {
            Files = [inputs.Path.FullPath], TradesPerBar = inputs.TradesPerBar, Seed = (ulong)inputs.Seed,
        });
        await using (source.ConfigureAwait(false))
        {
            using var connection = ParquetTableWriter.OpenScratch();
            var columns = string.Join(", ", TickColumns.Names.Select(n => SqlText.Identifier(n) + " DOUBLE"));
            connection.Execute($"CREATE TABLE {Table} (trade_id BIGINT, time TIMESTAMP, is_buyer_maker BOOLEAN, {columns})");
            var buffer = new Tick[4096];
            var row = new double[TickColumns.Names.Count];
            long written = 0;
            using (var appender = new ChunkAppender(connection, Table))
            {
                while (written < inputs.Ticks)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, inputs.Ticks - written)), cancellationToken).ConfigureAwait(false);
                    if (read == 0) break;
                    for (var i = 0; i < read; i++)
                    {
                        var tick = buffer[i];
                        TickColumns.Fill(in tick, row);
                        appender.Add(tick.TradeId).Add(DateTime.UnixEpoch.AddTicks(tick.TimeMicros * TimeSpan.TicksPerMicrosecond)).Add(tick.IsBuyerMaker);
                        foreach (var value in row) appender.Add(value);
                        appender.EndRow();
                    }
                    written += read;
                }
            }
            context.Log.Information("Generated {Ticks} ticks from {Source}", written, source.Name);
            return ParquetTableWriter.Write(connection, $"SELECT * FROM {Table} ORDER BY trade_id", context, "path", cancellationToken);
        }
    }
}
