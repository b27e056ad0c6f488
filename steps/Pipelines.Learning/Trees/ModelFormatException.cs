namespace Pipelines.Learning.Trees;

/// <summary>A model text that cannot be read; the message names the line and field at fault.</summary>
public sealed class ModelFormatException : FormatException
{
    public ModelFormatException(string message) : base(message)
    {
    }

    public ModelFormatException(string message, Exception inner) : base(message, inner)
    {
    }
}
