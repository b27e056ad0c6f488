namespace Pipelines.Learning.Tuning;

public enum StudyDirection
{
    Minimize,
    Maximize,
}
