namespace Pipelines.Engine.Storage;

/// <summary>"<see cref="ChildSha256"/> was made from <see cref="ParentSha256"/> by step <see cref="StepId"/> of run <see cref="RunId"/>."</summary>
public sealed record LineageEdge(string ParentSha256, string ChildSha256, string RunId, string StepId, int Depth);
