namespace Pipelines.Steps.Tests.Support;

/// <summary>A reply the fake server gives instead of data: an error status, or a broken body.</summary>
public sealed record ServerFault(int Status, string? Body = null, int? RetryAfterSeconds = null, bool TruncateData = false)
{
    public static ServerFault TooManyRequests(int retryAfterSeconds) => new(429, "{\"code\":-1003,\"msg\":\"Too many requests.\"}", retryAfterSeconds);

    public static ServerFault Banned(int retryAfterSeconds) => new(418, "{\"code\":-1003,\"msg\":\"Way too many requests; IP banned.\"}", retryAfterSeconds);

    public static ServerFault InternalError() => new(500, "{\"code\":-1000,\"msg\":\"An unknown error occurred.\"}");

    /// <summary>The page the request asked for, cut in the middle.</summary>
    public static ServerFault Truncated() => new(200, TruncateData: true);

    public static ServerFault RawBody(string body) => new(200, body);
}
