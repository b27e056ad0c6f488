using Pipelines.Engine.Diagnostics;

namespace Pipelines.Engine.Triggers;

/// <summary>
/// <c>on.manual</c>: every pipeline may be started by hand; this only narrows which parameters such a start may
/// set. Null <see cref="Params"/> means all declared parameters.
/// </summary>
/// <param name="Location">Where the list of parameters is written, for errors about a manual start.</param>
public sealed record ManualTrigger(IReadOnlyList<string>? Params, SourceLocation? Location)
{
    public static ManualTrigger AnyParameter { get; } = new(null, null);

    public bool Allows(string parameter) => Params is null || Params.Contains(parameter, StringComparer.Ordinal);
}
