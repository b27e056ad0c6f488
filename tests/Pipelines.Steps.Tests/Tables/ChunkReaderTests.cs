using Pipelines.Steps.Tables;

namespace Pipelines.Steps.Tests.Tables;

public sealed class ChunkReaderTests
{
    [Fact]
    public void The_chunks_of_a_large_result_cover_every_row_once_and_in_order()
    {
        using var connection = ParquetTableWriter.OpenScratch();
        using var result = ChunkReader.Query(connection, "SELECT range AS id, range * 0.5 AS half FROM range(10000) ORDER BY id");
        long next = 0;
        var chunks = 0;
        while (result.Read())
        {
            chunks++;
            foreach (var id in result.Int64s(0)) Assert.Equal(next++, id);
        }

        Assert.Equal(10_000, next);
        Assert.True(chunks >= 5, $"10000 rows in {chunks} chunk(s) of at most 2048");
    }

    [Fact]
    public void A_null_is_marked_in_the_validity_mask_and_only_there()
    {
        using var connection = ParquetTableWriter.OpenScratch();
        using var result = ChunkReader.Query(connection,
            "SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS v, i / 4 AS q FROM (SELECT range::BIGINT AS i FROM range(10)) ORDER BY i");
        Assert.True(result.Read());

        var values = result.Int64s(0);
        var validity = result.Validity(0);
        var quarters = result.Doubles(1);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(i % 3 != 0, ChunkReader.IsValid(validity, i));
            if (i % 3 != 0) Assert.Equal(i, values[i]);
            Assert.Equal(i / 4.0, quarters[i]);
        }
        Assert.True(result.Validity(1).IsEmpty, "a column without NULLs needs no mask");
        Assert.False(result.Read());
    }

    [Fact]
    public void A_column_read_as_another_type_is_refused_naming_both_types()
    {
        using var connection = ParquetTableWriter.OpenScratch();
        using var result = ChunkReader.Query(connection, "SELECT 1.5::DOUBLE AS d");
        Assert.True(result.Read());

        var e = Assert.Throws<InvalidOperationException>(() => result.Int64s(0));

        Assert.Contains("Double", e.Message);
        Assert.Contains("BigInt", e.Message);
    }

    [Fact]
    public void A_failing_query_reports_duckdbs_own_words()
    {
        using var connection = ParquetTableWriter.OpenScratch();

        var e = Assert.Throws<InvalidOperationException>(() => ChunkReader.Query(connection, "SELECT nope FROM range(3)"));

        Assert.Contains("Binder Error", e.Message);
        Assert.Contains("nope", e.Message);
    }
}
