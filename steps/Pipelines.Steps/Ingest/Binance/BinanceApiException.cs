namespace Pipelines.Steps.Ingest.Binance;

/// <summary>The API refused a request, or kept failing after all retries.</summary>
public sealed class BinanceApiException(string endpoint, int statusCode, string message) : Exception(message)
{
    /// <summary>Path and query of the request that failed.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>HTTP status of the last attempt; 0 when the connection itself failed.</summary>
    public int StatusCode { get; } = statusCode;
}
