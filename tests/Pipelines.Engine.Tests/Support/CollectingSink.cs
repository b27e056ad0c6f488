using Serilog.Core;
using Serilog.Events;

namespace Pipelines.Engine.Tests.Support;

/// <summary>Keeps every rendered log event, with its properties, so tests can look for leaked secrets.</summary>
public sealed class CollectingSink : ILogEventSink
{
    private readonly List<string> _events = [];

    public IReadOnlyList<string> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    public void Emit(LogEvent logEvent)
    {
        var text = logEvent.RenderMessage() + " " + string.Join(" ", logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        lock (_events) _events.Add(text);
    }
}
