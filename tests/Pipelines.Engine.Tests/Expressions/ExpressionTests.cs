using Pipelines.Engine.Expressions;

namespace Pipelines.Engine.Tests.Expressions;

public sealed class ExpressionTests
{
    private static object? Eval(string text, Dictionary<string, object?>? values = null) =>
        ExpressionEvaluator.Evaluate(Template.Parse(text)!, r => (values ?? []).TryGetValue(r.ToString(), out var v) ? v
            : throw new ExpressionEvaluationException(r.Offset, $"unknown {r}"));

    [Theory]
    [InlineData("${{ true || false && false }}", true)]           // && binds tighter than ||
    [InlineData("${{ (true || false) && false }}", false)]
    [InlineData("${{ !false == true }}", true)]                   // ! binds tighter than ==
    [InlineData("${{ 2 < 3 == 1 < 2 }}", true)]                   // comparisons bind tighter than ==
    [InlineData("${{ 1 == 1.0 }}", true)]                         // numbers compare by value
    [InlineData("${{ 'a''b' == 'a''b' }}", true)]                 // '' inside a literal is one quote
    [InlineData("${{ 'abc' < 'abd' }}", true)]
    [InlineData("${{ -1.5e1 < -14 }}", true)]
    public void Operators_follow_the_documented_precedence(string text, bool expected) => Assert.Equal(expected, Eval(text));

    [Fact]
    public void A_lone_expression_keeps_its_type_and_text_splices_values()
    {
        var values = new Dictionary<string, object?> { ["params.n"] = 5L, ["params.s"] = "BTC" };
        Assert.Equal(5L, Eval("${{ params.n }}", values));
        Assert.Equal(5L, Eval("  ${{ params.n }}\n", values));
        Assert.Equal("BTC-5", Eval("${{ params.s }}-${{ params.n }}", values));
    }

    [Theory]
    [InlineData("${{ }}", 3, "empty expression")]
    [InlineData("${{ a && }}", 9, "ends too early")]
    [InlineData("${{ f(x) }}", 5, "function calls are not part")]
    [InlineData("${{ 'open }}", 4, "unterminated string")]
    [InlineData("x ${{ a", 2, "has no matching '}}'")]
    [InlineData("${{ a b }}", 6, "unexpected 'b")]
    public void Malformed_expressions_name_the_offset(string text, int offset, string message)
    {
        var error = Assert.Throws<ExpressionSyntaxException>(() => Template.Parse(text));
        Assert.Equal(offset, error.Offset);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Operators_refuse_operands_of_the_wrong_type()
    {
        var error = Assert.Throws<ExpressionEvaluationException>(() => Eval("${{ 'a' < 1 }}"));
        Assert.Contains("compares numbers or texts", error.Message);
        Assert.Throws<ExpressionEvaluationException>(() => Eval("${{ !'text' }}"));
    }
}
