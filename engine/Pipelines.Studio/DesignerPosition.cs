namespace Pipelines.Studio;

/// <summary>Where the designer draws a node (top-left corner, in diagram units).</summary>
public readonly record struct DesignerPosition(double X, double Y);
