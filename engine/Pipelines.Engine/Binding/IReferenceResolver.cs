using Pipelines.Abstractions;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;

namespace Pipelines.Engine.Binding;

/// <summary>
/// Supplies the values behind <c>${{ }}</c> references and workspace paths. The validator's resolver returns
/// <see cref="Placeholder"/>s for what is only known at run time; the executor's returns real values.
/// </summary>
public interface IReferenceResolver
{
    /// <summary>Returns the value of a reference or throws <see cref="ExpressionEvaluationException"/>.</summary>
    object? Resolve(ReferenceExpression reference);

    /// <summary>Resolves a workspace-relative path input; null while validating when the file is not needed.</summary>
    WorkspacePath? ResolvePath(string relative, SourceLocation location);
}
