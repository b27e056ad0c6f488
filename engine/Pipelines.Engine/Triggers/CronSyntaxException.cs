namespace Pipelines.Engine.Triggers;

/// <summary>A cron expression that is not standard cron, or that a Quartz schedule cannot reproduce; the message quotes the field.</summary>
public sealed class CronSyntaxException(string message) : Exception(message);
