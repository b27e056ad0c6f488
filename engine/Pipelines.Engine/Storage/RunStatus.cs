namespace Pipelines.Engine.Storage;

public enum RunStatus { Running, Succeeded, Failed, Cancelled }
