using Serilog.Core;
using Serilog.Events;

namespace Pipelines.Engine.Execution;

/// <summary>
/// Remembers the secret values a run has resolved and replaces them with <c>***</c> in anything written:
/// log properties, stored inputs, error messages.
/// </summary>
public sealed class SecretRedactor : ILogEventEnricher
{
    public const string Mask = "***";
    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Add(string secret)
    {
        if (secret.Length == 0) return;
        lock (_gate) _secrets.Add(secret);
    }

    public string Redact(string text)
    {
        lock (_gate)
        {
            // Longest first, so a secret that contains another is masked whole.
            foreach (var secret in _secrets.OrderByDescending(s => s.Length))
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }
        return text;
    }

    public string? RedactNullable(string? text) => text is null ? null : Redact(text);

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        lock (_gate)
            if (_secrets.Count == 0) return;
        foreach (var (name, value) in logEvent.Properties.ToList())
        {
            if (value is ScalarValue { Value: string text })
            {
                var redacted = Redact(text);
                if (!ReferenceEquals(redacted, text) && redacted != text)
                    logEvent.AddOrUpdateProperty(new LogEventProperty(name, new ScalarValue(redacted)));
            }
        }
    }
}
