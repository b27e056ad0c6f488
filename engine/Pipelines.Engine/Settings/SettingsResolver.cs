using Pipelines.Abstractions;
using Pipelines.Engine.Binding;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;

namespace Pipelines.Engine.Settings;

/// <summary>ml.yaml may read the environment (<c>${{ env.X }}</c>) and nothing else.</summary>
internal sealed class SettingsResolver(string root) : IReferenceResolver
{
    public object? Resolve(ReferenceExpression reference) =>
        reference.Path is ["env", var name]
            ? Environment.GetEnvironmentVariable(name)
            : throw new ExpressionEvaluationException(reference.Offset, $"{MlSettings.FileName} may only reference env.NAME, not '{reference}'");

    public WorkspacePath? ResolvePath(string relative, SourceLocation location)
    {
        var full = WorkspacePaths.Resolve(root, relative, location);
        return new WorkspacePath(relative, full, new Artifact("", "source", Path.GetExtension(full).TrimStart('.'), new FileInfo(full).Length, relative));
    }
}
