namespace Pipelines.Learning.LightGbm;

/// <summary>LightGBM refused a call; the message is LightGBM's own (LGBM_GetLastError) after the call's name.</summary>
public sealed class LightGbmException(string message) : Exception(message);
