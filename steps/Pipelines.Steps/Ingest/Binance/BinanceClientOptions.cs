namespace Pipelines.Steps.Ingest.Binance;

/// <summary>How <see cref="BinanceMarketDataClient"/> talks to the API and how patiently it waits.</summary>
public sealed record BinanceClientOptions
{
    public Uri BaseUrl { get; init; } = new("https://api.binance.com");

    /// <summary>Request weight the API allows per minute (Binance's spot default is 1200, some deployments allow 6000).</summary>
    public int WeightBudgetPerMinute { get; init; } = 1200;

    /// <summary>Fraction of the budget above which the client waits for the next minute before sending again.</summary>
    public double WeightThreshold { get; init; } = 0.9;

    /// <summary>Retries of one request after 429, 418, 5xx or a dropped connection before giving up.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>First wait after a server error or a 429 without Retry-After; doubled on each further attempt.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A Retry-After longer than this (e.g. a long IP ban after 418) fails the request instead of sleeping through it.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock used to find the start of the next rate-limit minute and for all waits.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
