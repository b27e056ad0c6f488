using Pipelines.Learning.Validation;

namespace Pipelines.Learning.Tuning;

/// <summary>
/// Scores a trial by cross-validation over time-series folds: fold k's score is reported as the trial's
/// intermediate value at step k, the pruner is consulted after each fold, and the trial's value is the mean
/// fold score. What a fold's score means (fit on Train, score on Test) is the caller's.
/// </summary>
public static class CrossValidatedObjective
{
    public static double Evaluate(Trial trial, IReadOnlyList<Fold> folds, Func<Trial, Fold, double> scoreFold)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(folds);
        ArgumentNullException.ThrowIfNull(scoreFold);
        if (folds.Count == 0)
            throw new ArgumentException("at least one fold is needed", nameof(folds));
        double sum = 0.0;
        for (int k = 0; k < folds.Count; k++)
        {
            double score = scoreFold(trial, folds[k]);
            if (!double.IsFinite(score))
                throw new InvalidOperationException($"fold {k} scored {score}; fold scores must be finite");
            trial.Report(k, score);
            trial.PruneIfNeeded();
            sum += score;
        }
        return sum / folds.Count;
    }

    /// <summary>The objective for <see cref="Study.Optimize"/> that runs <see cref="Evaluate"/>.</summary>
    public static Func<Trial, double> Create(IReadOnlyList<Fold> folds, Func<Trial, Fold, double> scoreFold)
    {
        ArgumentNullException.ThrowIfNull(folds);
        ArgumentNullException.ThrowIfNull(scoreFold);
        return trial => Evaluate(trial, folds, scoreFold);
    }
}
