using Pipelines.Learning.LightGbm;

namespace Pipelines.Learning.Tests.LightGbm;

public sealed class LightGbmLibraryTests
{
    [Fact]
    public void Where_the_library_cannot_load_training_says_so_plainly_and_names_the_platform()
    {
        var error = Assert.Throws<LightGbmUnavailableException>(() => LightGbmNative.Guard<int>(() => throw new DllNotFoundException("lib_lightgbm: cannot open shared object file")));
        Assert.Contains("LightGBM's native library (lib_lightgbm) is missing for this platform", error.Message);
        Assert.Contains(System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, error.Message);
        Assert.Contains("scoring, SHAP and export of model.txt do not", error.Message);
        Assert.IsType<DllNotFoundException>(error.InnerException);
    }

    [Fact]
    public void Here_the_library_loads_and_lists_its_parameters()
    {
        Assert.True(LightGbmParameterNames.IsAvailable);
        Assert.Equal("num_iterations", LightGbmParameterNames.Canonical("n_estimators"));
        Assert.Equal("bagging_fraction", LightGbmParameterNames.Canonical("subsample"));
        Assert.Null(LightGbmParameterNames.Canonical("subsampel"));
    }
}
