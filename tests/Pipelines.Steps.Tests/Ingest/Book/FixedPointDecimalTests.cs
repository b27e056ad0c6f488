using System.Globalization;
using System.Text;
using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Tests.Ingest.Book;

public sealed class FixedPointDecimalTests
{
    private static long Units(string text)
    {
        Assert.True(FixedPointDecimal.TryParse(Encoding.ASCII.GetBytes(text), out var units), text);
        return units;
    }

    [Theory]
    // Strings as Binance sends them: eight decimals on spot, trimmed in places, whole numbers in others.
    [InlineData("0.00000001", 1L)]
    [InlineData("0.10000000", 10_000_000L)]
    [InlineData("0.1", 10_000_000L)]
    [InlineData("27123.45000000", 2_712_345_000_000L)]
    [InlineData("4.00000000", 400_000_000L)]
    [InlineData("431", 43_100_000_000L)]
    [InlineData(".5", 50_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("0.000000010000", 1L)]
    [InlineData("92233720368.54775807", long.MaxValue)]
    public void A_binance_price_string_is_read_to_the_exact_number_of_hundred_millionths(string text, long expected)
    {
        Assert.Equal(expected, Units(text));
        Assert.True(FixedPointDecimal.TryParse(text.AsSpan(), out var fromChars));
        Assert.Equal(expected, fromChars);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("1.")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1e-8")]
    [InlineData("1,5")]
    [InlineData(" 1")]
    [InlineData("0.000000001")]
    [InlineData("92233720368.54775808")]
    [InlineData("92233720369")]
    [InlineData("1.2.3")]
    public void Text_that_is_not_a_non_negative_decimal_with_at_most_eight_significant_decimals_is_refused(string text)
    {
        Assert.False(FixedPointDecimal.TryParse(Encoding.ASCII.GetBytes(text), out _));
        var error = Assert.Throws<FormatException>(() => FixedPointDecimal.Parse(text, "bids[3].price"));
        Assert.Contains("bids[3].price", error.Message);
    }

    [Fact]
    public void Every_eight_decimal_string_reads_to_the_same_value_as_decimal_parsing_where_a_double_parse_would_not()
    {
        // decimal.Parse is an independent exact reader; double parsing loses the last digits above 2^53 units.
        var random = new Random(17);
        var doubleWouldDiffer = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var whole = random.NextInt64(0, 92_233_720_368);
            var fraction = random.Next(0, 100_000_000);
            var text = $"{whole}.{fraction:D8}";
            var expected = decimal.Parse(text, CultureInfo.InvariantCulture) * FixedPointDecimal.Scale;
            var units = Units(text);
            Assert.Equal(expected, (decimal)units);
            Assert.Equal(text.TrimEnd('0').TrimEnd('.'), FixedPointDecimal.Format(units));
            if ((long)Math.Round(double.Parse(text, CultureInfo.InvariantCulture) * FixedPointDecimal.Scale) != units) doubleWouldDiffer++;
        }
        Assert.True(doubleWouldDiffer > 0, "the sample should include values a float parse gets wrong");
    }
}
