using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Tests.Ticks;

public sealed class TextLineReaderTests
{
    private static List<string> ReadAll(string text, int capacity)
    {
        using var reader = new TextLineReader(new StringReader(text), capacity);
        var lines = new List<string>();
        while (reader.TryReadLine(out var line)) lines.Add(line.ToString());
        return lines;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(4096)]
    public void Lines_longer_than_the_buffer_crlf_endings_empty_lines_and_a_last_line_without_newline_come_out_whole(int capacity)
    {
        var text = "first line is long\r\n\nx\r\nabcdefghijklmnopqrstuvwxyz\nlast";

        Assert.Equal(["first line is long", "", "x", "abcdefghijklmnopqrstuvwxyz", "last"], ReadAll(text, capacity));
    }

    [Fact]
    public void Empty_text_has_no_lines_and_a_trailing_newline_adds_none()
    {
        Assert.Empty(ReadAll("", 4));
        Assert.Equal(["a", "b"], ReadAll("a\nb\n", 4));
    }
}
