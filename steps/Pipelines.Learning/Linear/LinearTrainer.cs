using Pipelines.Learning.Data;

namespace Pipelines.Learning.Linear;

/// <summary>
/// Fits linear models on the design A = [1, z] (z the features, standardised when asked), θ = [b, w]:
/// <list type="bullet">
/// <item>ridge minimises Σ (y − θ·a)² + λ‖w‖², solved in closed form from (AᵀA + λD) θ = Aᵀy by Cholesky
/// (D is the identity with the intercept's entry zeroed: the intercept is never penalised);</item>
/// <item>logistic minimises −Σ [y log p + (1 − y) log(1 − p)] + (λ/2)‖w‖² with p = σ(θ·a), by Newton's method
/// (IRLS) with a backtracking line search, until every gradient component is at most
/// <see cref="LinearParameters.Tolerance"/> × rows.</item>
/// </list>
/// <see cref="PartialFit"/> continues a saved model on new rows, keeping its scaler and λ.
/// Rows with weights (<see cref="DenseDataset.Weights"/>) count as that many copies of themselves: each sum over rows
/// is weighted (AᵀWA and AᵀWy; the log loss, its gradient and Hessian; the tolerance is × the total weight), and in
/// partial fit's SGD a row's step is scaled by its weight. The scaler is fitted on the rows unweighted.
/// </summary>
public static class LinearTrainer
{
    public static LinearModel Fit(DenseDataset data, LinearParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        if (data.RowCount == 0) throw new ArgumentException("cannot fit on no rows", nameof(data));
        var labels = CheckedLabels(data, parameters.Objective);
        CheckFeatures(data);
        var scaler = parameters.Standardize ? FeatureScaler.Fit(data) : null;
        var design = Design(data, scaler);
        var size = data.FeatureCount + 1;
        if (parameters.Objective == LinearObjective.Ridge)
        {
            var gram = new double[size * size];
            var moment = new double[size];
            Accumulate(design, labels, data.Weights, size, gram, moment);
            var theta = SolveRidge(gram, moment, parameters.L2, size);
            return Build(parameters.Objective, data.FeatureNames, theta, scaler, parameters.L2, data.RowCount, LinearOnlineState.ForRidge(gram, moment));
        }
        var solution = NewtonLogistic(design, labels, data.Weights, size, parameters);
        return Build(parameters.Objective, data.FeatureNames, solution, scaler, parameters.L2, data.RowCount, LinearOnlineState.ForLogistic((double[])solution.Clone()));
    }

    /// <summary>
    /// Continues <paramref name="model"/> on new rows (same features, same order). Ridge adds the rows to its
    /// sufficient statistics and solves again, so the result equals a batch fit on every row seen (with the
    /// stored scaler). Logistic runs averaged SGD (Polyak–Ruppert): one pass over the rows with step
    /// η_t = η₀ / √(1 + t), t counting every row the model has seen, per-row penalty (λ / N)·w where N is the
    /// total row count after this update, and the model's weights the running average of the iterates, in
    /// which the previous model counts for the rows it had seen.
    /// </summary>
    public static LinearModel PartialFit(LinearModel model, DenseDataset data, double learningRate = 0.5)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (!(learningRate > 0) || !double.IsFinite(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "must be positive");
        if (!data.FeatureNames.SequenceEqual(model.FeatureNames))
            throw new ArgumentException($"the rows have features [{string.Join(", ", data.FeatureNames)}] but the model expects [{string.Join(", ", model.FeatureNames)}]", nameof(data));
        if (data.RowCount == 0) return model;
        var labels = CheckedLabels(data, model.Objective);
        CheckFeatures(data);
        var design = Design(data, model.Scaler);
        var size = model.FeatureCount + 1;
        var seen = model.SamplesSeen + data.RowCount;
        if (model.Objective == LinearObjective.Ridge)
        {
            var gram = (double[])model.Online.Gram!.Clone();
            var moment = (double[])model.Online.Moment!.Clone();
            Accumulate(design, labels, data.Weights, size, gram, moment);
            var theta = SolveRidge(gram, moment, model.L2, size);
            return Build(model.Objective, model.FeatureNames, theta, model.Scaler, model.L2, seen, LinearOnlineState.ForRidge(gram, moment));
        }

        var iterate = (double[])model.Online.Iterate!.Clone();
        var average = new double[size];
        average[0] = model.Intercept;
        Array.Copy(model.Weights, 0, average, 1, model.FeatureCount);
        var penalty = model.L2 / seen;
        for (var i = 0; i < data.RowCount; i++)
        {
            var step = model.SamplesSeen + i;
            var row = design.AsSpan(i * size, size);
            var residual = (LinearModel.Sigmoid(Dot(iterate, row)) - labels[i]) * (data.Weights?[i] ?? 1);
            var rate = learningRate / Math.Sqrt(1 + step);
            iterate[0] -= rate * residual;
            for (var j = 1; j < size; j++) iterate[j] -= rate * (residual * row[j] + penalty * iterate[j]);
            var count = step + 1;
            for (var j = 0; j < size; j++) average[j] += (iterate[j] - average[j]) / count;
        }
        return Build(model.Objective, model.FeatureNames, average, model.Scaler, model.L2, seen, LinearOnlineState.ForLogistic(iterate));
    }

    private static double[] NewtonLogistic(double[] design, double[] labels, double[]? weights, int size, LinearParameters parameters)
    {
        var rows = labels.Length;
        var theta = new double[size];
        // A row of weight w counts as w copies of it: in the mean, the gradient, the Hessian and the objective.
        var totalWeight = weights?.Sum() ?? rows;
        var mean = weights is null ? labels.Average() : labels.Select((y, i) => y * weights[i]).Sum() / totalWeight;
        // Starting at the intercept-only solution keeps the first Newton step small when classes are unbalanced.
        theta[0] = Math.Log(Math.Clamp(mean, 1e-6, 1 - 1e-6) / (1 - Math.Clamp(mean, 1e-6, 1 - 1e-6)));
        var gradient = new double[size];
        var hessian = new double[size * size];
        var candidate = new double[size];
        var lambda = parameters.L2;
        var value = LogisticObjective(design, labels, weights, theta, lambda, size);
        for (var iteration = 0; iteration < parameters.MaxIterations; iteration++)
        {
            Array.Clear(gradient);
            Array.Clear(hessian);
            for (var i = 0; i < rows; i++)
            {
                var row = design.AsSpan(i * size, size);
                var p = LinearModel.Sigmoid(Dot(theta, row));
                var rowWeight = weights?[i] ?? 1;
                var residual = (p - labels[i]) * rowWeight;
                var weight = Math.Max(p * (1 - p), 1e-12) * rowWeight;
                for (var j = 0; j < size; j++)
                {
                    gradient[j] += residual * row[j];
                    var scaled = weight * row[j];
                    for (var k = 0; k <= j; k++) hessian[j * size + k] += scaled * row[k];
                }
            }
            for (var j = 1; j < size; j++)
            {
                gradient[j] += lambda * theta[j];
                hessian[j * size + j] += lambda;
            }
            for (var j = 0; j < size; j++)
                for (var k = 0; k < j; k++) hessian[k * size + j] = hessian[j * size + k];
            var largest = 0.0;
            foreach (var g in gradient) largest = Math.Max(largest, Math.Abs(g));
            if (largest <= parameters.Tolerance * totalWeight)
            {
                if (lambda == 0) RefuseSeparable(design, labels, theta, size);
                return theta;
            }

            var direction = Cholesky.Solve(hessian, gradient, size);
            var decrease = Dot(gradient, direction);
            // Close to the optimum the predicted decrease is below the objective's rounding, so no line search can
            // measure it; there the full Newton step is taken, as Newton's quadratic convergence is then assured.
            var measurable = decrease > 1e-12 * (1 + Math.Abs(value));
            var step = 1.0;
            while (true)
            {
                for (var j = 0; j < size; j++) candidate[j] = theta[j] - step * direction[j];
                var next = LogisticObjective(design, labels, weights, candidate, lambda, size);
                // Armijo's sufficient decrease.
                if (!measurable || next <= value - 1e-4 * step * decrease || step < 1e-10)
                {
                    Array.Copy(candidate, theta, size);
                    value = next;
                    break;
                }
                step /= 2;
            }
        }
        throw new InvalidOperationException(
            $"logistic regression did not converge in {parameters.MaxIterations} Newton iterations; with l2 = 0 separable classes have no finite solution — use an L2 penalty above 0");
    }

    /// <summary>
    /// Without a penalty, classes a hyperplane separates have no finite maximum-likelihood solution: Newton then
    /// "converges" only because the gradient vanishes as the weights run off. Every row fitted with a margin
    /// beyond 15 (probabilities within 3e-7 of the labels) is the sign of that.
    /// </summary>
    private static void RefuseSeparable(double[] design, double[] labels, double[] theta, int size)
    {
        var smallest = double.PositiveInfinity;
        for (var i = 0; i < labels.Length; i++)
            smallest = Math.Min(smallest, (2 * labels[i] - 1) * Dot(theta, design.AsSpan(i * size, size)));
        if (smallest > 15)
            throw new InvalidOperationException("logistic regression has no finite solution: the classes are separable and l2 = 0; use an L2 penalty above 0");
    }

    private static double LogisticObjective(double[] design, double[] labels, double[]? weights, double[] theta, double lambda, int size)
    {
        var total = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            var score = Dot(theta, design.AsSpan(i * size, size));
            // log(1 + e^s) − y s, written so that neither branch overflows.
            total += ((score > 0 ? score + Math.Log(1 + Math.Exp(-score)) : Math.Log(1 + Math.Exp(score))) - labels[i] * score) * (weights?[i] ?? 1);
        }
        var norm = 0.0;
        for (var j = 1; j < size; j++) norm += theta[j] * theta[j];
        return total + 0.5 * lambda * norm;
    }

    private static double[] SolveRidge(double[] gram, double[] moment, double lambda, int size)
    {
        var system = (double[])gram.Clone();
        for (var j = 1; j < size; j++) system[j * size + j] += lambda;
        return Cholesky.Solve(system, moment, size);
    }

    /// <summary>Adds the rows to XᵀWX and XᵀWy (W the row weights, 1 when none are given).</summary>
    private static void Accumulate(double[] design, double[] labels, double[]? weights, int size, double[] gram, double[] moment)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            var row = design.AsSpan(i * size, size);
            var w = weights?[i] ?? 1;
            for (var j = 0; j < size; j++)
            {
                moment[j] += row[j] * labels[i] * w;
                for (var k = 0; k < size; k++) gram[j * size + k] += row[j] * row[k] * w;
            }
        }
    }

    /// <summary>Rows of [1, z], row-major.</summary>
    private static double[] Design(DenseDataset data, FeatureScaler? scaler)
    {
        var size = data.FeatureCount + 1;
        var design = new double[data.RowCount * size];
        for (var r = 0; r < data.RowCount; r++)
        {
            var row = data.Row(r);
            design[r * size] = 1;
            for (var j = 0; j < row.Length; j++) design[r * size + 1 + j] = scaler is null ? row[j] : scaler.Transform(j, row[j]);
        }
        return design;
    }

    private static double[] CheckedLabels(DenseDataset data, LinearObjective objective)
    {
        var labels = data.RequireLabels();
        for (var r = 0; r < labels.Length; r++)
        {
            if (objective == LinearObjective.Logistic && labels[r] is not (0 or 1))
                throw new ArgumentException($"logistic regression needs labels 0 or 1; row {r} has {labels[r]}", nameof(data));
            if (!double.IsFinite(labels[r])) throw new ArgumentException($"row {r} has label {labels[r]}", nameof(data));
        }
        return labels;
    }

    private static void CheckFeatures(DenseDataset data)
    {
        var values = data.Values;
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"row {i / data.FeatureCount} has {values[i]} in feature '{data.FeatureNames[i % data.FeatureCount]}'; linear models need finite values", nameof(data));
        }
    }

    private static LinearModel Build(LinearObjective objective, IReadOnlyList<string> features, double[] theta, FeatureScaler? scaler, double lambda, long seen, LinearOnlineState online) =>
        new(objective, features, theta[1..], theta[0], scaler, lambda, seen, online);

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++) sum += a[j] * b[j];
        return sum;
    }
}
