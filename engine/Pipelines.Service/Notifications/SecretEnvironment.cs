namespace Pipelines.Service.Notifications;

/// <summary>
/// Secrets come from the environment at the moment they are used, and go nowhere else: not into settings objects,
/// the store or logs. An unset variable fails the attempt, saying which variable, never sends unsigned.
/// </summary>
internal static class SecretEnvironment
{
    public static string Read(string variable, string key) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new NotificationException($"environment variable {variable} ({key}) is not set");
}
