namespace Pipelines.Learning.Linear;

/// <summary>Settings of a linear fit; see <see cref="LinearTrainer"/> for the objectives they parameterise.</summary>
public sealed record LinearParameters
{
    public LinearObjective Objective { get; init; } = LinearObjective.Logistic;

    /// <summary>L2 penalty λ on the weights (never on the intercept).</summary>
    public double L2 { get; init; } = 1.0;

    /// <summary>Standardise features with a scaler fitted on the training rows, stored with the model.</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>Logistic batch fit: stop when every gradient component is at most this times the row count.</summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>Logistic batch fit: Newton iterations allowed before giving up.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Logistic online fit: the SGD step size η₀ of the schedule η_t = η₀ / √(1 + t).</summary>
    public double LearningRate { get; init; } = 0.5;

    public void Validate()
    {
        if (!Enum.IsDefined(Objective)) throw new ArgumentOutOfRangeException(nameof(Objective), Objective, "unknown objective");
        if (!(L2 >= 0) || !double.IsFinite(L2)) throw new ArgumentOutOfRangeException(nameof(L2), L2, "must be finite and not negative");
        if (!(Tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "must be positive");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "must be positive");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be positive");
    }
}
