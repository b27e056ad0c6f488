namespace Pipelines.Learning.Trees;

/// <summary>How a numerical split treats missing values; stored in bits 2-3 of LightGBM's decision_type.</summary>
public enum MissingType : byte
{
    /// <summary>No missing values seen in training: NaN is read as 0.0 and compared with the threshold.</summary>
    None = 0,

    /// <summary>Values with |x| &lt;= 1e-35 (and NaN, read as 0.0) take the default direction.</summary>
    Zero = 1,

    /// <summary>NaN takes the default direction.</summary>
    NaN = 2,
}
