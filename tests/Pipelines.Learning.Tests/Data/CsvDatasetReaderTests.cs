using Pipelines.Learning.Data;

namespace Pipelines.Learning.Tests.Data;

public sealed class CsvDatasetReaderTests
{
    private static DenseDataset Read(string text, string? label = "y", IReadOnlyList<string>? features = null) =>
        CsvDatasetReader.Read(new StringReader(text), "data.csv", label, features);

    [Fact]
    public void Reads_features_labels_and_missing_values()
    {
        var data = Read("a,\"y\",b\n1.5,0,nan\n,1,NaN\n-2e-3,1,NA\n");
        Assert.Equal(new[] { "a", "b" }, data.FeatureNames);
        Assert.Equal(3, data.RowCount);
        Assert.Equal(new double[] { 0, 1, 1 }, data.Labels);
        Assert.Equal(1.5, data[0, 0]);
        Assert.True(double.IsNaN(data[0, 1]));
        Assert.True(double.IsNaN(data[1, 0]));
        Assert.True(double.IsNaN(data[1, 1]));
        Assert.Equal(-0.002, data[2, 0]);
    }

    [Fact]
    public void Selects_named_feature_columns_in_the_given_order()
    {
        var data = Read("a,b,c\n1,2,3\n4,5,6\n", label: null, features: new[] { "c", "a" });
        Assert.Null(data.Labels);
        Assert.Equal(new[] { "c", "a" }, data.FeatureNames);
        Assert.Equal(new double[] { 3, 1 }, data.Row(0).ToArray());
        Assert.Equal(new double[] { 6, 4 }, data.Row(1).ToArray());
    }

    [Fact]
    public void Reads_the_fixture_files()
    {
        var data = Fixtures.ReadCsv("test-binary.csv");
        Assert.Equal(1000, data.RowCount);
        Assert.Equal(8, data.FeatureCount);
        // First data line: 0,0.977882,-0.992573,-0.546293,0.826153,0.944877,0.835973,-0.747908,0.712724
        Assert.Equal(0.0, data.RequireLabels()[0]);
        Assert.Equal(new[] { 0.977882, -0.992573, -0.546293, 0.826153, 0.944877, 0.835973, -0.747908, 0.712724 }, data.Row(0).ToArray());
    }

    [Theory]
    [InlineData("a,y\n1,0\n2,x\n", "data.csv:3:2:", "'x'")]
    [InlineData("a,y\n1,0\n2,1,3\n", "data.csv:3:3:", "more cells")]
    [InlineData("a,y\n1,0\n2\n", "data.csv:3:1:", "1 cells but the header has 2")]
    [InlineData("a,y\n1.2.3,0\n", "data.csv:2:1:", "'1.2.3'")]
    [InlineData("", "data.csv:1:", "header")]
    [InlineData("a,b\n1,0\n", "data.csv:1:", "label column 'y'")]
    [InlineData("a,a,y\n1,0,1\n", "data.csv:1:2:", "repeats")]
    public void Bad_input_names_file_line_and_column(string text, string location, string detail)
    {
        var error = Assert.Throws<FormatException>(() => Read(text));
        Assert.StartsWith(location, error.Message);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void Missing_feature_column_is_named()
    {
        var error = Assert.Throws<FormatException>(() => Read("a,y\n1,0\n", features: new[] { "a", "q" }));
        Assert.Contains("'q'", error.Message);
    }
}
