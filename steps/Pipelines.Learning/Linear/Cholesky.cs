namespace Pipelines.Learning.Linear;

/// <summary>Solves A x = b for a symmetric positive definite A (row-major, n × n) by A = L Lᵀ.</summary>
internal static class Cholesky
{
    /// <exception cref="InvalidOperationException">A is not positive definite (numerically singular).</exception>
    public static double[] Solve(double[] matrix, double[] rhs, int n)
    {
        var lower = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = matrix[i * n + j];
                for (var k = 0; k < j; k++) sum -= lower[i * n + k] * lower[j * n + k];
                if (i == j)
                {
                    // Relative to the diagonal's own size: a pivot this small means a column is a combination of others.
                    if (!(sum > 1e-12 * Math.Max(1, Math.Abs(matrix[i * n + i]))))
                        throw new InvalidOperationException($"the system is singular at column {i} (a constant or collinear feature); use an L2 penalty above 0");
                    lower[i * n + i] = Math.Sqrt(sum);
                }
                else
                {
                    lower[i * n + j] = sum / lower[j * n + j];
                }
            }
        }
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = rhs[i];
            for (var k = 0; k < i; k++) sum -= lower[i * n + k] * y[k];
            y[i] = sum / lower[i * n + i];
        }
        var x = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = y[i];
            for (var k = i + 1; k < n; k++) sum -= lower[k * n + i] * x[k];
            x[i] = sum / lower[i * n + i];
        }
        return x;
    }
}
