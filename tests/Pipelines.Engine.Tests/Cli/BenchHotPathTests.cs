using System.Text.Json;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

public sealed class BenchHotPathTests
{
    private static readonly string[] Required =
    [
        "interpreted_ns_per_row", "compiled_ns_per_row", "onnxruntime_ns_per_row", "tick_p50_ns", "tick_p99_ns", "tick_p999_ns",
        "tick_max_ns", "ticks_per_s", "alloc_bytes_per_tick",
        "book_update_p50_ns", "book_update_p99_ns", "book_features_p95_ns", "book_tick_p99_ns", "book_tick_events_per_s", "book_alloc_bytes_per_event",
    ];

    [Fact]
    public async Task Bench_hotpath_prints_one_json_object_with_every_figure()
    {
        var run = await CliRun.InvokeAsync("bench", "hotpath", "--ticks", "3000", "--train-rows", "2000", "--book-bars", "120", "--book-events", "5000", "--json");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        using var document = JsonDocument.Parse(run.Output);
        var root = document.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        foreach (var name in Required)
        {
            Assert.True(root.TryGetProperty(name, out var value), $"'{name}' is missing from {run.Output}");
            Assert.Equal(JsonValueKind.Number, value.ValueKind);
            Assert.True(value.GetDouble() >= 0, $"'{name}' is negative");
        }
        Assert.Equal(3000, root.GetProperty("ticks").GetInt64());
        Assert.Equal(3000, root.GetProperty("decisions_stored").GetInt64());
        Assert.Equal(20, root.GetProperty("features").GetInt32());
        Assert.Equal(200, root.GetProperty("trees").GetInt32());
        // 120 bars of synthetic book: 16 trades each, every one decided and stored, with the book's events merged in.
        Assert.Equal(120 * 16, root.GetProperty("book_tick_trades").GetInt64());
        Assert.Equal(120 * 16, root.GetProperty("book_tick_decisions_stored").GetInt64());
        Assert.True(root.GetProperty("book_tick_book_events").GetInt64() >= 120 * 12);
        Assert.Equal(1000, root.GetProperty("book_levels_per_side").GetInt32());
        Assert.True(root.GetProperty("book_update_p99_ns").GetDouble() >= root.GetProperty("book_update_p50_ns").GetDouble());
    }

    [Fact]
    public async Task Bench_hotpath_refuses_a_non_positive_tick_count()
    {
        var run = await CliRun.InvokeAsync("bench", "hotpath", "--ticks", "0");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--ticks", run.Error + run.Output);
    }
}
