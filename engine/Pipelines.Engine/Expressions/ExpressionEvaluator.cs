using System.Globalization;
using System.Text;
using Pipelines.Abstractions;

namespace Pipelines.Engine.Expressions;

/// <summary>Evaluates expressions and templates against a resolver for references.</summary>
public static class ExpressionEvaluator
{
    public static object? Evaluate(Template template, Func<ReferenceExpression, object?> resolve)
    {
        if (template.IsSingleExpression) return Evaluate((Expression)template.Parts[0], resolve);
        var builder = new StringBuilder();
        Placeholder? placeholder = null;
        foreach (var part in template.Parts)
        {
            if (part is string text) { builder.Append(text); continue; }
            var value = Evaluate((Expression)part, resolve);
            if (value is Placeholder p) placeholder ??= Placeholder.Text(p.Source);
            else builder.Append(ToText(value, ((Expression)part).Offset));
        }
        return placeholder is null ? builder.ToString() : placeholder;
    }

    public static object? Evaluate(Expression expression, Func<ReferenceExpression, object?> resolve)
    {
        switch (expression)
        {
            case LiteralExpression literal:
                return literal.Value;
            case ReferenceExpression reference:
                return resolve(reference);
            case NotExpression not:
            {
                var operand = Evaluate(not.Operand, resolve);
                if (operand is Placeholder p) return Placeholder.Boolean(p.Source);
                return operand is bool b ? !b : throw new ExpressionEvaluationException(not.Offset, $"'!' needs a boolean, got {Describe(operand)}");
            }
            case BinaryExpression binary:
                return EvaluateBinary(binary, resolve);
            default:
                throw new InvalidOperationException(expression.GetType().Name);
        }
    }

    private static object? EvaluateBinary(BinaryExpression binary, Func<ReferenceExpression, object?> resolve)
    {
        var left = Evaluate(binary.Left, resolve);
        if (binary.Operator is "&&" or "||")
        {
            if (left is Placeholder lp) { Evaluate(binary.Right, resolve); return Placeholder.Boolean(lp.Source); }
            if (left is not bool l) throw new ExpressionEvaluationException(binary.Offset, $"'{binary.Operator}' needs booleans, got {Describe(left)}");
            if (binary.Operator == "&&" && !l) return false;
            if (binary.Operator == "||" && l) return true;
            var right = Evaluate(binary.Right, resolve);
            if (right is Placeholder rp) return Placeholder.Boolean(rp.Source);
            return right is bool r ? r : throw new ExpressionEvaluationException(binary.Offset, $"'{binary.Operator}' needs booleans, got {Describe(right)}");
        }
        var rightValue = Evaluate(binary.Right, resolve);
        if (left is Placeholder || rightValue is Placeholder)
            return Placeholder.Boolean(((left as Placeholder) ?? (Placeholder)rightValue!).Source);
        return binary.Operator switch
        {
            "==" => AreEqual(left, rightValue),
            "!=" => !AreEqual(left, rightValue),
            _ => Compare(binary, left, rightValue),
        };
    }

    private static bool AreEqual(object? left, object? right)
    {
        if (IsNumber(left) && IsNumber(right)) return ToDouble(left) == ToDouble(right);
        return Equals(left, right);
    }

    private static bool Compare(BinaryExpression binary, object? left, object? right)
    {
        int order;
        if (IsNumber(left) && IsNumber(right)) order = ToDouble(left).CompareTo(ToDouble(right));
        else if (left is string ls && right is string rs) order = string.CompareOrdinal(ls, rs);
        else throw new ExpressionEvaluationException(binary.Offset,
            $"'{binary.Operator}' compares numbers or texts, got {Describe(left)} and {Describe(right)}");
        return binary.Operator switch { "<" => order < 0, "<=" => order <= 0, ">" => order > 0, _ => order >= 0 };
    }

    private static bool IsNumber(object? value) => value is long or int or double;
    private static double ToDouble(object? value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);

    public static string ToText(object? value, int offset) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        long or int => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Artifact a => a.Sha256,
        _ => throw new ExpressionEvaluationException(offset, $"{Describe(value)} cannot be spliced into text"),
    };

    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"text '{s}'",
        bool b => b ? "true" : "false",
        long or int or double => $"number {Convert.ToString(value, CultureInfo.InvariantCulture)}",
        Artifact a => $"{a.Kind} artifact {a.ShortId}",
        Placeholder p => p.Type.DisplayName,
        _ => value.GetType().Name,
    };
}
