namespace Pipelines.Learning.Augmentation;

/// <summary>One synthetic row: x_base + gap · (x_neighbour − x_base), with base and neighbour indices into the class's rows.</summary>
public readonly record struct SmoteSample(int Base, int Neighbour, double Gap);
