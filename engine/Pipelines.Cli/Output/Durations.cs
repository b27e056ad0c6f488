namespace Pipelines.Cli.Output;

public static class Durations
{
    public static string Format(TimeSpan duration) =>
        duration.TotalMinutes >= 1 ? $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s"
        : duration.TotalSeconds >= 1 ? $"{duration.TotalSeconds:0.0} s"
        : $"{duration.TotalMilliseconds:0} ms";

    public static string Bytes(long bytes) =>
        bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.0} MiB" : bytes >= 1 << 10 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes} B";
}
