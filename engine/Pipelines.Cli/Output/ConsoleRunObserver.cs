using Pipelines.Engine.Execution;
using Pipelines.Engine.Planning;
using Pipelines.Engine.Storage;
using Spectre.Console;

namespace Pipelines.Cli.Output;

/// <summary>
/// Shows a run as it happens: on a terminal a live table of steps (status, time, note), elsewhere one plain
/// line per finished step so CI logs stay readable.
/// </summary>
public sealed class ConsoleRunObserver(IAnsiConsole console, bool interactive) : IRunObserver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Row> _rows = [];
    private readonly List<string> _order = [];
    private LiveDisplayContext? _live;
    private Table? _table;

    private sealed class Row
    {
        public StepStatus Status = StepStatus.Pending;
        public string Note = "";
        public TimeSpan Duration;
        public string Uses = "";
    }

    public bool Interactive => interactive;

    /// <summary>Failed steps and their full messages, printed after the run (the live table truncates notes).</summary>
    public List<(string Step, string Message)> Failures { get; } = [];

    /// <summary>Runs <paramref name="body"/> inside a live display when interactive.</summary>
    public async Task<T> DisplayAsync<T>(Func<Task<T>> body)
    {
        if (!interactive) return await body();
        _table = new Table().Border(TableBorder.Rounded).AddColumns("step", "uses", "status", "time", "note");
        T result = default!;
        await console.Live(_table).AutoClear(false).StartAsync(async context =>
        {
            lock (_gate) _live = context;
            result = await body();
            lock (_gate) Render();
        });
        return result;
    }

    public void RunStarted(string runId, CompiledPipeline pipeline)
    {
        lock (_gate)
        {
            foreach (var step in pipeline.Steps)
            {
                _rows[step.Id] = new Row { Uses = step.Descriptor.TypeName };
                _order.Add(step.Id);
            }
            if (!interactive) console.MarkupLineInterpolated($"run [bold]{runId}[/] of [bold]{pipeline.Definition.Name}[/]: {pipeline.Steps.Count} steps");
            Render();
        }
    }

    public void StepStarted(string stepId, int attempt)
    {
        lock (_gate)
        {
            var row = _rows[stepId];
            row.Status = StepStatus.Running;
            row.Note = attempt > 1 ? $"attempt {attempt}" : "";
            Render();
        }
    }

    public void StepProgress(string stepId, double fraction, string? message)
    {
        lock (_gate)
        {
            _rows[stepId].Note = $"{fraction:P0} {message}".Trim();
            Render();
        }
    }

    public void StepFinished(string stepId, StepStatus status, TimeSpan duration, string? message)
    {
        lock (_gate)
        {
            var row = _rows[stepId];
            row.Status = status;
            row.Duration = duration;
            row.Note = message ?? "";
            if (status == StepStatus.Failed && interactive) Failures.Add((stepId, row.Note));
            if (!interactive)
                console.MarkupLineInterpolated($"  {Symbol(status)} {stepId,-24} {StatusText.Of(status),-9} {Time(duration),8}  {row.Note}");
            Render();
        }
    }

    public void RunFinished(string runId, RunStatus status)
    {
        lock (_gate) Render();
    }

    private void Render()
    {
        if (_live is null || _table is null) return;
        _table.Rows.Clear();
        foreach (var id in _order)
        {
            var row = _rows[id];
            _table.AddRow(new Markup(Markup.Escape(id)), new Markup(Markup.Escape(row.Uses)),
                new Markup($"{Colour(row.Status)}{Symbol(row.Status)} {StatusText.Of(row.Status)}[/]"),
                new Markup(row.Status is StepStatus.Pending or StepStatus.Running ? "" : Time(row.Duration)),
                new Markup(Markup.Escape(row.Note.Length > 60 ? row.Note[..57] + "..." : row.Note)));
        }
        _live.Refresh();
    }

    private static string Time(TimeSpan duration) =>
        duration.TotalSeconds >= 1 ? $"{duration.TotalSeconds:0.0} s" : $"{duration.TotalMilliseconds:0} ms";

    public static string Symbol(StepStatus status) => status switch
    {
        StepStatus.Succeeded => "✓",
        StepStatus.Cached => "↺",
        StepStatus.Failed => "✗",
        StepStatus.Skipped => "–",
        StepStatus.Cancelled => "⊘",
        StepStatus.Running => "…",
        _ => "·",
    };

    private static string Colour(StepStatus status) => status switch
    {
        StepStatus.Succeeded => "[green]",
        StepStatus.Cached => "[blue]",
        StepStatus.Failed => "[red]",
        StepStatus.Cancelled => "[yellow]",
        _ => "[grey]",
    };
}
