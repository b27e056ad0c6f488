using Pipelines.Learning.Data;
using Pipelines.Learning.Features;
using Pipelines.Learning.LightGbm;
using Pipelines.Steps.Book;
using Pipelines.Steps.Inference;
using Pipelines.Steps.Tests.Support;
using Pipelines.Steps.Ticks;

namespace Pipelines.Steps.Tests.Book;

/// <summary>A synthetic book shared by the book tick-path tests, and a small model over book and trade features.</summary>
public static class BookModels
{
    public static readonly string[] FeatureNames = ["ret_1", "trade_flow_imbalance_20", "book_imbalance_5", "microprice", "spread_bps", "bid_depth_within_5bps"];

    public static FeatureSet Features { get; } = FeatureSet.FromNames(FeatureNames, "time");

    private static readonly Lazy<string> s_root = new(() =>
    {
        var root = Directory.CreateTempSubdirectory("pipelines-book-models-").FullName;
        // Shared by the test classes of this process, so it goes when the process does.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
        };
        new SyntheticBookGenerator(MinuteBarCsv.Read(RepositoryFiles.SampleKlines), new SyntheticBookOptions { MaxBars = 720, Seed = 5 }).Write(root);
        return root;
    });

    private static readonly Lazy<string> s_model = new(Train);

    /// <summary>Twelve hours of synthetic book (720 bars, 11,520 trades) under <c>&lt;root&gt;/BTCUSDT</c>.</summary>
    public static string Root => s_root.Value;

    public static BookReplayData Data() => BookReplayData.Load(Root, "BTCUSDT");

    /// <summary>20 trees over <see cref="FeatureNames"/>, labelled by whether the price is higher 10 trades later.</summary>
    public static string Model => s_model.Value;

    private static string Train()
    {
        var data = Data();
        IReadOnlyList<string> columns = [.. TickColumns.Names, .. BookColumns.Names];
        var evaluator = new StreamingFeatureEvaluator(Features, columns);
        var replay = new BookReplay(data);
        var row = new double[columns.Count];
        const int horizon = 10;
        var rows = data.Trades.Length - horizon;
        var values = new double[rows * Features.Names.Count];
        var labels = new double[rows];
        for (var t = 0; t < rows; t++)
        {
            replay.AdvanceTo(data.Trades[t].TimeMicros);
            TickColumns.Fill(in data.Trades[t], row);
            BookColumns.Fill(replay.Book, row.AsSpan(TickColumns.Names.Count));
            evaluator.Update(row).CopyTo(values.AsSpan(t * Features.Names.Count));
            labels[t] = data.Trades[t + horizon].Price > data.Trades[t].Price ? 1 : 0;
        }
        using var booster = LightGbmTrainer.Train(new DenseDataset(values, rows, Features.Names, labels), null, LightGbmParameters.From(new Dictionary<string, string>
        {
            ["objective"] = "binary", ["num_iterations"] = "20", ["num_leaves"] = "15", ["learning_rate"] = "0.1", ["seed"] = "1", ["num_threads"] = "1",
        }));
        return booster.ModelText();
    }
}
