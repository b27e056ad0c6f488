using System.Collections;
using System.Globalization;
using Pipelines.Abstractions;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Expressions;
using Pipelines.Engine.Model;
using Pipelines.Engine.Yaml;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Binding;

/// <summary>
/// Binds YAML values (literals and <c>${{ }}</c> templates) to declared types: the one place that decides
/// what a step receives, used both to validate a pipeline and to run it. Literals are read strictly by YAML's
/// core schema (a quoted "5" is text); values coming out of expressions are converted leniently, because
/// environment variables are always text. Templates come from <paramref name="templates"/>, parsed once with
/// the pipeline file; a scalar not in it (a settings file, read once) is parsed where it is bound.
/// </summary>
public sealed class ValueBinder(IReferenceResolver resolver, TemplateTable? templates = null)
{
    /// <summary>Binds a mapping (a step's <c>with:</c>, a settings section) to an object type.</summary>
    public object BindObject(YamlMapping? mapping, ValueType type, SourceLocation ownerLocation, List<Diagnostic> diagnostics)
    {
        var instance = Activator.CreateInstance(type.ClrType)!;
        var given = mapping?.Entries ?? [];
        foreach (var (key, _) in given)
        {
            if (type.Properties.Any(p => p.Name == key.Value)) continue;
            var names = string.Join(", ", type.Properties.Select(p => p.Name));
            diagnostics.Add(new Diagnostic(key.Location, DiagnosticCodes.UnknownInput, $"unknown input '{key.Value}'; expected one of: {names}", key.Value));
        }
        var deferred = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in type.Properties)
        {
            var node = mapping?.Get(property.Name);
            if (node is null or YamlScalar { IsNull: true })
            {
                if (property.IsRequired)
                    diagnostics.Add(new Diagnostic(node?.Location ?? mapping?.Location ?? ownerLocation, DiagnosticCodes.MissingInput,
                        $"required input '{property.Name}' ({property.Type.DisplayName}) is missing: {property.Description}", property.Name));
                continue;
            }
            if (property.KeyCheck is not null && node is YamlMapping keyed) CheckKeys(property, keyed, diagnostics);
            try
            {
                var value = Bind(node, property.Type);
                if (value == Deferred)
                {
                    deferred.Add(property.Name);
                    continue;
                }
                if (value is not null) property.Property.SetValue(instance, value);
                else if (property.IsRequired)
                    diagnostics.Add(new Diagnostic(node.Location, DiagnosticCodes.MissingInput, $"required input '{property.Name}' evaluated to null", property.Name));
            }
            catch (BindingException e)
            {
                diagnostics.Add(e.Diagnostic);
                deferred.Add(property.Name);
            }
        }
        if (instance is ICheckedInputs checkedInputs) CheckValues(checkedInputs, mapping, ownerLocation, deferred, diagnostics);
        return instance;
    }

    /// <summary>Reports the record's own checks at the input they concern, leaving out those resting on a value not known yet.</summary>
    private static void CheckValues(ICheckedInputs inputs, YamlMapping? mapping, SourceLocation ownerLocation, HashSet<string> unknown, List<Diagnostic> diagnostics)
    {
        foreach (var problem in inputs.Problems())
        {
            if (unknown.Contains(problem.Input) || problem.RestsOn.Any(unknown.Contains)) continue;
            var node = mapping?.Get(problem.Input);
            diagnostics.Add(new Diagnostic(node?.Location ?? mapping?.Location ?? ownerLocation, DiagnosticCodes.InvalidValue,
                $"input '{problem.Input}': {problem.Message}", (node as YamlScalar)?.Value ?? problem.Input));
        }
    }

    private static void CheckKeys(PropertyDescriptor property, YamlMapping mapping, List<Diagnostic> diagnostics)
    {
        foreach (var (key, _) in mapping.Entries)
        {
            if (property.KeyCheck!.Problem(key.Value) is { } problem)
                diagnostics.Add(new Diagnostic(key.Location, DiagnosticCodes.InvalidKey, $"input '{property.Name}': {problem}", key.Value));
        }
    }

    /// <summary>What binding yields, while validating, for a value only known at run time.</summary>
    public static readonly object Deferred = new();

    /// <summary>Binds one node; returns <see cref="Deferred"/> for a value known only at run time.</summary>
    public object? Bind(YamlNode node, ValueType type)
    {
        if (node is YamlScalar scalar && (templates?.Find(scalar) ?? ParseUnlisted(scalar)) is { } template)
            return BindEvaluated(Evaluate(template, scalar), type, scalar);
        return node switch
        {
            YamlScalar s => BindLiteral(s, type),
            YamlSequence sequence => BindSequence(sequence, type),
            YamlMapping mapping => BindMapping(mapping, type),
            _ => throw new InvalidOperationException(node.GetType().Name),
        };
    }

    private static Template? ParseUnlisted(YamlScalar scalar)
    {
        if (!Template.ContainsExpression(scalar.Value)) return null;
        try
        {
            return Template.Parse(scalar);
        }
        catch (ExpressionSyntaxException e)
        {
            throw new BindingException(ExpressionLocation.At(scalar, e.Offset), DiagnosticCodes.Expression, e.Message, scalar.Value);
        }
    }

    private object? Evaluate(Template template, YamlScalar scalar)
    {
        try
        {
            return ExpressionEvaluator.Evaluate(template, resolver.Resolve);
        }
        catch (ExpressionEvaluationException e)
        {
            throw new BindingException(ExpressionLocation.At(scalar, e.Offset), e.Code, e.Message, scalar.Value);
        }
    }

    private object? BindLiteral(YamlScalar scalar, ValueType type)
    {
        if (scalar.IsNull) return null;
        switch (type.Kind)
        {
            case ValueKind.String:
                return scalar.Value;
            case ValueKind.Integer when scalar.TryGetInteger(out var integer):
                return ToInteger(integer, type, scalar);
            case ValueKind.Number when scalar.TryGetNumber(out var number):
                return type.ClrType == typeof(float) ? (float)number : number;
            case ValueKind.Boolean when scalar.TryGetBoolean(out var boolean):
                return boolean;
            case ValueKind.Duration when DurationText.TryParse(scalar.Value, out var duration):
                return duration;
            case ValueKind.Enum:
                return BindEnum(scalar.Value, type, scalar);
            case ValueKind.Path:
                return resolver.ResolvePath(scalar.Value, scalar.Location);
            case ValueKind.Artifact:
                throw new BindingException(scalar.Location, DiagnosticCodes.InputType,
                    "expects an artifact produced by another step, e.g. ${{ steps.ID.outputs.table }}", scalar.Value);
            case ValueKind.List or ValueKind.Map or ValueKind.Object:
                throw new BindingException(scalar.Location, DiagnosticCodes.InputType, $"expects a {type.DisplayName}, got a single value", scalar.Value);
            default:
                throw new BindingException(scalar.Location, DiagnosticCodes.InputType,
                    $"expects {Article(type)} {type.DisplayName}, got {(scalar.IsQuoted ? "quoted text" : "")} '{scalar.Value}'".Replace("  ", " "), scalar.Value);
        }
    }

    private object? BindEvaluated(object? value, ValueType type, YamlScalar at)
    {
        if (value is null) return null;
        if (value is Placeholder placeholder)
        {
            if (!type.Accepts(placeholder.Type))
                throw new BindingException(at.Location, DiagnosticCodes.InputType,
                    $"expects {Article(type)} {type.DisplayName}, but {placeholder.Source} is {Article(placeholder.Type)} {placeholder.Type.DisplayName}", at.Value);
            return Deferred;
        }
        var text = value as string;
        switch (type.Kind)
        {
            case ValueKind.String when value is not (IList or IDictionary):
                return ExpressionEvaluator.ToText(value, 0);
            case ValueKind.Integer when value is long l:
                return ToInteger(l, type, at);
            case ValueKind.Integer when value is double d && Math.Floor(d) == d && Math.Abs(d) < 9e15:
                return ToInteger((long)d, type, at);
            case ValueKind.Integer when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                return ToInteger(parsed, type, at);
            case ValueKind.Number when value is long or double:
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return type.ClrType == typeof(float) ? (float)number : number;
            case ValueKind.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsedNumber):
                return type.ClrType == typeof(float) ? (float)parsedNumber : parsedNumber;
            case ValueKind.Boolean when value is bool b:
                return b;
            case ValueKind.Boolean when bool.TryParse(text, out var parsedBool):
                return parsedBool;
            case ValueKind.Duration when text is not null && DurationText.TryParse(text, out var duration):
                return duration;
            case ValueKind.Enum when text is not null:
                return BindEnum(text, type, at);
            case ValueKind.Artifact when value is Artifact artifact:
                return artifact;
            case ValueKind.Path when text is not null:
                return resolver.ResolvePath(text, at.Location);
            case ValueKind.List when value is IList list:
                return MakeList(type, list.Cast<object?>().Select(item => BindEvaluated(item, type.Element!, at)).ToList());
            case ValueKind.Map when value is IDictionary map:
                return MakeMap(type, map.Keys.Cast<string>().Select(k => new KeyValuePair<string, object?>(k, BindEvaluated(map[k], type.Element!, at))).ToList());
        }
        throw new BindingException(at.Location, DiagnosticCodes.InputType,
            $"expects {Article(type)} {type.DisplayName}, but the expression gives {ExpressionEvaluator.Describe(value)}", at.Value);
    }

    private object? BindSequence(YamlSequence sequence, ValueType type)
    {
        if (type.Kind != ValueKind.List)
            throw new BindingException(sequence.Location, DiagnosticCodes.InputType, $"expects {Article(type)} {type.DisplayName}, got a list");
        return MakeList(type, sequence.Items.Select(item => Bind(item, type.Element!)).ToList());
    }

    private object? BindMapping(YamlMapping mapping, ValueType type)
    {
        if (type.Kind == ValueKind.Map)
            return MakeMap(type, mapping.Entries.Select(e => new KeyValuePair<string, object?>(e.Key.Value, Bind(e.Value, type.Element!))).ToList());
        if (type.Kind == ValueKind.Object)
        {
            var diagnostics = new List<Diagnostic>();
            var instance = BindObject(mapping, type, mapping.Location, diagnostics);
            if (diagnostics.Count > 0)
            {
                var first = diagnostics[0];
                throw new BindingException(first.Location, first.Code, first.Message, first.Offending);
            }
            return instance;
        }
        throw new BindingException(mapping.Location, DiagnosticCodes.InputType, $"expects {Article(type)} {type.DisplayName}, got a mapping");
    }

    private static object MakeList(ValueType type, List<object?> items)
    {
        var elementType = type.Element!.ClrType;
        var array = Array.CreateInstance(elementType, items.Count);
        for (var i = 0; i < items.Count; i++)
            if (items[i] != Deferred) array.SetValue(items[i], i);
        if (type.ClrType.IsArray) return array;
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
        foreach (var item in array) list.Add(item);
        return list;
    }

    private static object MakeMap(ValueType type, List<KeyValuePair<string, object?>> entries)
    {
        var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), type.Element!.ClrType))!;
        foreach (var (key, value) in entries)
            if (value != Deferred) map[key] = value;
        return map;
    }

    private static object ToInteger(long value, ValueType type, YamlScalar at)
    {
        if (type.ClrType != typeof(int)) return value;
        if (value is < int.MinValue or > int.MaxValue)
            throw new BindingException(at.Location, DiagnosticCodes.InputType, $"{value} is out of range for this input", at.Value);
        return (int)value;
    }

    private static object BindEnum(string text, ValueType type, YamlScalar at)
    {
        var index = type.EnumNames.ToList().IndexOf(text);
        if (index < 0)
            throw new BindingException(at.Location, DiagnosticCodes.InputType, $"'{text}' is not one of: {string.Join(", ", type.EnumNames)}", text);
        return Enum.GetValues(type.ClrType).GetValue(index)!;
    }

    private static string Article(ValueType type) => type.DisplayName.Length > 0 && "aeiou".Contains(type.DisplayName[0]) ? "an" : "a";
}
