using Pipelines.Learning.Tuning;
using Pipelines.Learning.Validation;

namespace Pipelines.Learning.Tests.Tuning;

public class MedianPrunerTests
{
    private static SearchSpace Space() => new SearchSpace().AddFloat("x", 0, 1);

    [Fact]
    public void Prunes_a_clearly_worse_trial_after_the_startup_trials()
    {
        // Trials report the same level at steps 0..4, each ordinary trial a little better than the one before
        // (so never worse than the median). Trials 2 and 7 are 100x worse. Trial 2 runs while only two trials
        // have completed (< 5 start-up trials), so it must finish; trial 7 is compared with the median of seven
        // completed trials at step 0 (0.97) and pruned there.
        var study = new Study(Space(), StudyDirection.Minimize, new RandomSampler(1), new MedianPruner(startupTrials: 5));
        int stepsRun = 0;
        study.Optimize(trial =>
        {
            double level = trial.Number is 2 or 7 ? 100.0 : 1.0 - 0.01 * trial.Number;
            for (int step = 0; step < 5; step++)
            {
                stepsRun++;
                trial.Report(step, level);
                trial.PruneIfNeeded();
            }
            return level;
        }, 10);

        Assert.Equal(TrialState.Complete, study.Trials[2].State);
        Assert.Equal(TrialState.Pruned, study.Trials[7].State);
        Assert.Single(study.Trials[7].IntermediateValues);
        Assert.Equal(9, study.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(9 * 5 + 1, stepsRun);
    }

    [Fact]
    public void Uses_the_best_reported_value_and_respects_warmup_when_maximising()
    {
        var pruner = new MedianPruner(startupTrials: 1, warmupSteps: 1);
        var study = new Study(Space(), StudyDirection.Maximize, new RandomSampler(2), pruner);
        // completed trials at step 1: 0.5, 0.7, 0.9 -> median 0.7
        foreach (double v in new[] { 0.5, 0.7, 0.9 })
            study.Optimize(t => { t.Report(0, 0.0); t.Report(1, v); return v; }, 1);

        bool prunedAtWarmup = true;
        bool prunedHigh = true;
        bool prunedLow = false;
        study.Optimize(t =>
        {
            t.Report(0, 0.0); // below every value but inside the warm-up: not judged
            prunedAtWarmup = t.ShouldPrune();
            t.Report(1, 0.6); // below the median 0.7
            prunedLow = t.ShouldPrune();
            return 0.6;
        }, 1);
        study.Optimize(t =>
        {
            t.Report(0, 0.95); // best so far 0.95 > median at step 1 even though step 1 itself is poor
            t.Report(1, 0.1);
            prunedHigh = t.ShouldPrune();
            return 0.1;
        }, 1);
        Assert.False(prunedAtWarmup);
        Assert.True(prunedLow);
        Assert.False(prunedHigh);
    }

    [Fact]
    public void Cross_validation_reports_each_fold_and_stops_early_when_pruned()
    {
        var folds = new WalkForwardSplitter(trainLength: 20, testLength: 5, step: 5).Split(50); // 6 folds
        var study = new Study(Space(), StudyDirection.Minimize, new RandomSampler(3), new MedianPruner(startupTrials: 3));
        var foldsScored = new List<int>();
        var objective = CrossValidatedObjective.Create(folds, (trial, fold) =>
        {
            foldsScored.Add(trial.Number);
            // fold score depends on the fold's first test row; each trial slightly better than the last, trial 4 much worse
            return fold.Test[0] * 0.01 + (trial.Number == 4 ? 10.0 : -trial.Number * 0.001);
        });
        study.Optimize(objective, 5);

        for (int n = 0; n < 4; n++)
        {
            Assert.Equal(TrialState.Complete, study.Trials[n].State);
            Assert.Equal(6, study.Trials[n].IntermediateValues.Count);
            double mean = folds.Average(f => f.Test[0] * 0.01 - n * 0.001);
            Assert.Equal(mean, study.Trials[n].Value!.Value, 12);
            Assert.Equal(folds[2].Test[0] * 0.01 - n * 0.001, study.Trials[n].IntermediateValues[2], 12);
        }
        Assert.Equal(TrialState.Pruned, study.Trials[4].State);
        Assert.Equal(1, foldsScored.Count(n => n == 4));
    }

    [Fact]
    public void Bad_reports_are_rejected()
    {
        var study = new Study(Space(), StudyDirection.Minimize, new RandomSampler(1));
        study.Optimize(t =>
        {
            t.Report(0, 1.0);
            Assert.Equal("step", Assert.Throws<ArgumentException>(() => t.Report(0, 2.0)).ParamName);
            Assert.Equal("value", Assert.Throws<ArgumentException>(() => t.Report(1, double.NaN)).ParamName);
            return 1.0;
        }, 1);
        Assert.Throws<InvalidOperationException>(() => study.Trials[0].Report(2, 1.0));
    }
}
