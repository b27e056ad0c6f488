using Pipelines.Learning.Tuning;

namespace Pipelines.Learning.Tests.Tuning;

public class StudyTests
{
    private static double Quadratic(Trial trial)
    {
        double x = trial.GetDouble("x");
        double y = trial.GetDouble("y");
        return (x - 0.3) * (x - 0.3) + (y + 0.2) * (y + 0.2);
    }

    private static SearchSpace Plane() => new SearchSpace().AddFloat("x", -5, 5).AddFloat("y", -5, 5);

    [Fact]
    public void Same_seed_gives_the_same_trials()
    {
        foreach (Func<int, ISampler> make in new Func<int, ISampler>[] { s => new TpeSampler(s), s => new RandomSampler(s) })
        {
            var first = new Study(Plane(), StudyDirection.Minimize, make(42));
            var second = new Study(Plane(), StudyDirection.Minimize, make(42));
            first.Optimize(Quadratic, 30);
            second.Optimize(Quadratic, 30);
            for (int i = 0; i < 30; i++)
            {
                Assert.Equal(first.Trials[i].GetDouble("x"), second.Trials[i].GetDouble("x"));
                Assert.Equal(first.Trials[i].GetDouble("y"), second.Trials[i].GetDouble("y"));
            }
            var other = new Study(Plane(), StudyDirection.Minimize, make(43));
            other.Optimize(Quadratic, 1);
            Assert.NotEqual(first.Trials[0].GetDouble("x"), other.Trials[0].GetDouble("x"));
        }
    }

    [Fact]
    public void Tpe_beats_random_search_on_a_quadratic_with_the_same_budget()
    {
        // 8 fixed seeds, 60 trials each, minimum at (0.3, -0.2) in [-5, 5]^2. Random search's expected best of
        // 60 uniform draws is about 100 / (60 π) ≈ 0.5 in squared distance; TPE concentrates draws near the good
        // trials after its 10 random start-up trials and should do clearly better on average.
        double tpeTotal = 0.0;
        double randomTotal = 0.0;
        int tpeWins = 0;
        for (int seed = 1; seed <= 8; seed++)
        {
            double tpe = new Study(Plane(), StudyDirection.Minimize, new TpeSampler(seed)).Optimize(Quadratic, 60).Value!.Value;
            double random = new Study(Plane(), StudyDirection.Minimize, new RandomSampler(seed)).Optimize(Quadratic, 60).Value!.Value;
            tpeTotal += tpe;
            randomTotal += random;
            if (tpe < random)
                tpeWins++;
        }
        Assert.True(tpeTotal < 0.5 * randomTotal, $"TPE mean {tpeTotal / 8} vs random mean {randomTotal / 8}");
        Assert.True(tpeWins >= 5, $"TPE won only {tpeWins} of 8 seeds");
    }

    [Fact]
    public void Tpe_beats_random_search_on_a_mixed_integer_log_and_categorical_space()
    {
        // optimum: depth 7, learning rate 0.01, booster "b"; each term is 0 there
        var space = new SearchSpace().AddInt("depth", 1, 12).AddLogFloat("lr", 1e-4, 1).AddCategorical("booster", "a", "b", "c");
        static double Objective(Trial t) =>
            Math.Abs(t.GetInt("depth") - 7) + Math.Abs(Math.Log10(t.GetDouble("lr")) + 2) + (t.GetCategory("booster") == "b" ? 0 : 1);
        double tpeTotal = 0.0;
        double randomTotal = 0.0;
        for (int seed = 1; seed <= 8; seed++)
        {
            tpeTotal += new Study(space, StudyDirection.Minimize, new TpeSampler(seed)).Optimize(Objective, 60).Value!.Value;
            randomTotal += new Study(space, StudyDirection.Minimize, new RandomSampler(seed)).Optimize(Objective, 60).Value!.Value;
        }
        Assert.True(tpeTotal < 0.75 * randomTotal, $"TPE mean {tpeTotal / 8} vs random mean {randomTotal / 8}");
    }

    [Fact]
    public void Maximisation_prefers_larger_values()
    {
        var study = new Study(Plane(), StudyDirection.Maximize, new TpeSampler(3));
        var best = study.Optimize(t => -Quadratic(t), 40);
        Assert.Equal(study.Trials.Where(t => t.State == TrialState.Complete).Max(t => t.Value!.Value), best.Value!.Value);
        Assert.True(best.Value > -1.0);
    }

    [Fact]
    public void Sampled_values_respect_each_parameter_type()
    {
        var space = new SearchSpace()
            .AddInt("depth", 3, 10)
            .AddLogFloat("learning_rate", 0.01, 0.3)
            .AddCategorical("booster", "gbdt", "dart", "goss");
        var study = new Study(space, StudyDirection.Minimize, new TpeSampler(5));
        study.Optimize(t => Math.Abs(t.GetInt("depth") - 6) + Math.Abs(Math.Log(t.GetDouble("learning_rate") / 0.05))
                            + (t.GetCategory("booster") == "dart" ? 0 : 1), 40);
        foreach (var trial in study.Trials)
        {
            Assert.InRange(trial.GetInt("depth"), 3, 10);
            Assert.InRange(trial.GetDouble("learning_rate"), 0.01, 0.3);
            Assert.Contains(trial.GetCategory("booster"), new[] { "gbdt", "dart", "goss" });
            Assert.IsType<int>(trial.Parameters["depth"]);
        }
        Assert.Throws<InvalidOperationException>(() => study.Trials[0].GetDouble("depth"));
        Assert.Throws<ArgumentException>(() => study.Trials[0].GetInt("missing"));
    }

    [Fact]
    public void Every_trial_is_recorded_with_its_state()
    {
        var study = new Study(Plane(), StudyDirection.Minimize, new RandomSampler(1));
        study.Optimize(trial =>
        {
            trial.Report(0, trial.Number);
            return trial.Number switch
            {
                1 => throw new TrialPrunedException(trial.Number, 0),
                2 => throw new InvalidOperationException("data missing"),
                3 => double.NaN,
                _ => trial.Number,
            };
        }, 5, tolerateFailures: true);

        Assert.Equal([0, 1, 2, 3, 4], study.Trials.Select(t => t.Number));
        Assert.Equal(
            [TrialState.Complete, TrialState.Pruned, TrialState.Failed, TrialState.Failed, TrialState.Complete],
            study.Trials.Select(t => t.State));
        Assert.Equal("data missing", study.Trials[2].FailureReason);
        Assert.All(study.Trials, t => Assert.Equal(t.Number, t.IntermediateValues[0]));
        Assert.Null(study.Trials[1].Value);
        Assert.Equal(0, study.BestTrial.Number);
    }

    [Fact]
    public void Failures_propagate_unless_tolerated_but_are_still_recorded()
    {
        var study = new Study(Plane(), StudyDirection.Minimize, new RandomSampler(1));
        Assert.Throws<InvalidOperationException>(() => study.Optimize(_ => throw new InvalidOperationException("boom"), 3));
        Assert.Single(study.Trials);
        Assert.Equal(TrialState.Failed, study.Trials[0].State);
        Assert.Throws<InvalidOperationException>(() => study.BestTrial);
    }

    [Fact]
    public void Gamma_follows_optuna_default()
    {
        Assert.Equal(1, TpeSampler.Gamma(10));
        Assert.Equal(2, TpeSampler.Gamma(11));
        Assert.Equal(25, TpeSampler.Gamma(250));
        Assert.Equal(25, TpeSampler.Gamma(1000));
    }
}
