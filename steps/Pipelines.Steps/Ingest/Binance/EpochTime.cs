namespace Pipelines.Steps.Ingest.Binance;

/// <summary>
/// Binance writes epoch times in milliseconds, except spot dump files from 2025 on, which use microseconds. A
/// millisecond value stays below 10^14 until the year 5138 and a microsecond one is above it after 1973, so the
/// magnitude tells them apart.
/// </summary>
public static class EpochTime
{
    private const long MicrosecondThreshold = 100_000_000_000_000;

    public static bool IsMicroseconds(long value) => value > MicrosecondThreshold;

    public static long MillisToMicros(long millis) => checked(millis * 1000);

    public static long ToMicros(long value, bool microseconds) => microseconds ? value : MillisToMicros(value);

    public static DateTime ToDateTime(long micros) => DateTime.UnixEpoch.AddTicks(checked(micros * TimeSpan.TicksPerMicrosecond));

    public static long FromDateTime(DateTimeOffset value) => (value.UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    public static string Format(long micros) => ToDateTime(micros).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
