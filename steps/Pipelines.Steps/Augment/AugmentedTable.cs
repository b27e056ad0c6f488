using System.Globalization;
using DuckDB.NET.Data;
using Pipelines.Abstractions;
using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Augment;

/// <summary>
/// The input table with synthetic rows added. Each synthetic row is made from one or two input rows (its source and,
/// for SMOTE, a neighbour) and is placed just after the later of them, so the table stays in time order and a
/// synthetic row never precedes what it was made from; it copies its source row's columns except those interpolated
/// towards the neighbour. Every row gains <see cref="AugmentedColumns"/>.
/// </summary>
internal sealed class AugmentedTable : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly IReadOnlyList<(string Name, string Type)> _columns;
    private readonly List<(long Source, long? Neighbour, double Gap)> _made = [];

    public AugmentedTable(string path)
    {
        _connection = ParquetTableWriter.OpenScratch();
        try
        {
            _columns = TableReader.Describe(_connection, path);
            if (_columns.Select(c => c.Name).FirstOrDefault(AugmentedColumns.All.Contains) is { } marker)
                throw new StepInputException("input", $"the table already has a '{marker}' column: it was augmented before; augment the table it came from");
            _connection.Execute($"CREATE TABLE src AS SELECT * FROM read_parquet({SqlText.Literal(path)}, file_row_number = true)");
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public DuckDBConnection Connection => _connection;

    public IReadOnlyList<(string Name, string Type)> Columns => _columns;

    /// <summary>Adds a copy of input row <paramref name="source"/>.</summary>
    public void Copy(long source) => _made.Add((source, null, 0));

    /// <summary>Adds source + gap · (neighbour − source) on the interpolated columns, the source's values elsewhere.</summary>
    public void Interpolate(long source, long neighbour, double gap) => _made.Add((source, neighbour, gap));

    public AugmentOutputs Write(IStepContext context, IReadOnlySet<string> interpolated, CancellationToken cancellationToken)
    {
        _connection.Execute("CREATE TABLE made (seq BIGINT, source_row BIGINT, neighbour_row BIGINT, gap DOUBLE)");
        using (var appender = _connection.CreateAppender("made"))
        {
            for (var i = 0; i < _made.Count; i++)
                appender.CreateRow().AppendValue((long?)i).AppendValue((long?)_made[i].Source).AppendValue(_made[i].Neighbour).AppendValue((double?)_made[i].Gap).EndRow();
        }
        var real = string.Join(", ", _columns.Select(c => "s." + SqlText.Identifier(c.Name)));
        var synthetic = string.Join(", ", _columns.Select(c =>
        {
            var name = SqlText.Identifier(c.Name);
            return interpolated.Contains(c.Name) ? $"a.{name} + m.gap * (b.{name} - a.{name}) AS {name}" : $"a.{name}";
        }));
        var sql = $"""
            SELECT * EXCLUDE (_at, _seq) FROM (
              SELECT {real}, false AS synthetic, s.file_row_number AS source_row, CAST(NULL AS BIGINT) AS neighbour_row, s.file_row_number AS _at, -1 AS _seq FROM src s
              UNION ALL
              SELECT {synthetic}, true, m.source_row, m.neighbour_row, greatest(m.source_row, coalesce(m.neighbour_row, m.source_row)), m.seq
              FROM made m JOIN src a ON a.file_row_number = m.source_row LEFT JOIN src b ON b.file_row_number = m.neighbour_row
            ) ORDER BY _at, _seq
            """;
        var table = ParquetTableWriter.Write(_connection, sql, context, "input", cancellationToken);
        return new AugmentOutputs { Table = table.Table, Rows = table.Rows, Columns = table.Columns, SyntheticRows = _made.Count };
    }

    /// <summary>
    /// The input rows a train step with the same target, test_fraction and gap trains on: the labelled rows (an empty
    /// target leaves a row out) before the gap and the latest ceil(labelled × test_fraction) held out — as file row numbers.
    /// </summary>
    public long[] TrainingRows(string target, double testFraction, int gap)
    {
        if (_columns.All(c => c.Name != target))
            throw new StepInputException("target", $"column '{target}' is not in the table; columns: {string.Join(", ", _columns.Select(c => c.Name))}");
        var labelled = _connection.Rows($"SELECT file_row_number FROM src WHERE {SqlText.Identifier(target)} IS NOT NULL ORDER BY file_row_number")
            .Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).ToArray();
        var holdout = (int)Math.Ceiling(labelled.Length * testFraction);
        var train = labelled.Length - holdout - gap;
        if (train < 2)
            throw new StepInputException("input", $"only {Math.Max(0, train)} training rows after holding out {holdout} and a gap of {gap}; need at least 2 to augment");
        return labelled[..train];
    }

    public void Dispose() => _connection.Dispose();
}
