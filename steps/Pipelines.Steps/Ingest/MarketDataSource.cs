using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Steps.Ingest.Binance;

namespace Pipelines.Steps.Ingest;

/// <summary>The checks and set-up the Binance ingest steps share: one source only, times, and the REST client.</summary>
internal static class MarketDataSource
{
    public static void CheckExactlyOne(WorkspacePath? path, string? symbol)
    {
        if (path is not null && symbol is not null)
            throw new StepInputException("path", "give either path (read a file) or symbol (download from the REST API), not both");
        if (path is null && symbol is null)
            throw new StepInputException("path", "give either path (read a file) or symbol (download from the REST API)");
    }

    public static void CheckCounts(int weightBudget, int gapsListed)
    {
        if (weightBudget <= 0) throw new StepInputException("weight_budget", $"must be positive, not {weightBudget}");
        if (gapsListed < 0) throw new StepInputException("gaps_listed", $"cannot be negative ({gapsListed})");
    }

    /// <summary>Start and end only select a download; a file is always read whole, so they are refused rather than ignored.</summary>
    public static void CheckNoRange(string? start, string? end)
    {
        if (start is not null) throw new StepInputException("start", "start and end select a REST download; a file is read whole");
        if (end is not null) throw new StepInputException("end", "start and end select a REST download; a file is read whole");
    }

    public static (DateTimeOffset Start, DateTimeOffset End) Range(string? start, string? end)
    {
        var from = Time("start", start);
        var to = Time("end", end);
        if (to <= from) throw new StepInputException("end", $"{end} is not after start {start}");
        return (from, to);
    }

    public static string Required(string name, string? value) =>
        string.IsNullOrWhiteSpace(value) ? throw new StepInputException(name, $"{name} is required when downloading by symbol") : value;

    public static BinanceClientOptions ClientOptions(string baseUrl, int weightBudget)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new StepInputException("base_url", $"'{baseUrl}' is not an http(s) URL");
        return new BinanceClientOptions { BaseUrl = uri, WeightBudgetPerMinute = weightBudget };
    }

    public static HttpClient CreateHttpClient() => new() { Timeout = TimeSpan.FromSeconds(30) };

    public static string? TimeUnit(bool? microseconds, int rows) =>
        microseconds switch { true => "microseconds", false => "milliseconds", null => rows > 0 ? "text" : null };

    public static T ReadFile<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException e)
        {
            throw new StepInputException("path", e.Message);
        }
    }

    private static DateTimeOffset Time(string name, string? value)
    {
        var text = Required(name, value);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : throw new StepInputException(name, $"'{text}' is not an ISO 8601 time such as 2023-03-01T00:00:00Z");
    }
}
