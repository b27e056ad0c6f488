using Pipelines.Learning.Validation;

namespace Pipelines.Learning.Tests.Validation;

public class TimeWalkForwardSplitterTests
{
    private static readonly DateTime Origin = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Daily_rows_split_into_180_day_train_and_30_day_test_windows()
    {
        var days = new DateTime[365];
        for (int i = 0; i < days.Length; i++)
            days[i] = Origin.AddDays(i);
        var splitter = new TimeWalkForwardSplitter(TimeSpan.FromDays(180), TimeSpan.FromDays(30), TimeSpan.FromDays(30));
        var folds = splitter.Split(days);

        // test windows start on days 180, 210, ..., 360 (day 390 is past the last day, 364): 7 folds
        Assert.Equal(7, folds.Count);
        Assert.Equal(180, folds[0].Train.Length);
        Assert.Equal(0, folds[0].Train[0]);
        Assert.Equal(180, folds[0].Test[0]);
        Assert.Equal(209, folds[0].Test[^1]);
        Assert.Equal(30, folds[1].Train[0]);
        // the last window, days [360, 390), is cut by the end of the data: days 360..364
        Assert.Equal([360, 361, 362, 363, 364], folds[6].Test);
    }

    [Fact]
    public void Anchored_windows_keep_every_earlier_row()
    {
        var days = new DateTime[100];
        for (int i = 0; i < days.Length; i++)
            days[i] = Origin.AddDays(i);
        var folds = new TimeWalkForwardSplitter(TimeSpan.FromDays(50), TimeSpan.FromDays(10), TimeSpan.FromDays(10),
            anchored: true).Split(days);
        // test windows start on days 50, 60, 70, 80, 90; training always starts on day 0
        Assert.Equal(5, folds.Count);
        for (int k = 0; k < folds.Count; k++)
        {
            Assert.Equal(0, folds[k].Train[0]);
            Assert.Equal(50 + 10 * k, folds[k].Train.Length);
            Assert.Equal(50 + 10 * k, folds[k].Test[0]);
        }
    }

    [Fact]
    public void Irregular_timestamps_never_train_on_the_future()
    {
        var random = new Random(9);
        for (int round = 0; round < 200; round++)
        {
            int n = random.Next(5, 200);
            var stamps = new DateTime[n];
            DateTime t = Origin;
            for (int i = 0; i < n; i++)
            {
                t = t.AddHours(random.Next(0, 72)); // repeated timestamps allowed
                stamps[i] = t;
            }
            var train = TimeSpan.FromHours(random.Next(1, 500));
            var test = TimeSpan.FromHours(random.Next(1, 200));
            var step = TimeSpan.FromHours(random.Next(1, 200));
            var gap = TimeSpan.FromHours(random.Next(0, 48));
            bool anchored = random.Next(2) == 1;
            IReadOnlyList<Fold> folds;
            try
            {
                folds = new TimeWalkForwardSplitter(train, test, step, gap, anchored).Split(stamps);
            }
            catch (ArgumentException error)
            {
                Assert.Equal("timestamps", error.ParamName);
                continue;
            }
            foreach (var fold in folds)
            {
                FoldAssert.StrictlyAscending(fold.Train);
                FoldAssert.StrictlyAscending(fold.Test);
                FoldAssert.Disjoint(fold);
                FoldAssert.TrainsOnlyOnThePast(fold, 0);
                DateTime lastTrain = stamps[fold.Train[^1]];
                DateTime firstTest = stamps[fold.Test[0]];
                Assert.True(lastTrain < firstTest, "a training row is not earlier than the test rows");
                if (anchored)
                    Assert.Equal(0, fold.Train[0]);
                else
                    Assert.True(stamps[fold.Train[^1]] - stamps[fold.Train[0]] < train, "training window wider than its span");
                Assert.True(stamps[fold.Test[^1]] - stamps[fold.Test[0]] < test, "test window wider than its span");
                Assert.True(firstTest - lastTrain > gap, "gap between train and test not respected");
            }
        }
    }

    [Fact]
    public void Unordered_timestamps_are_rejected()
    {
        var splitter = new TimeWalkForwardSplitter(TimeSpan.FromDays(2), TimeSpan.FromDays(1), TimeSpan.FromDays(1));
        var error = Assert.Throws<ArgumentException>(() =>
            splitter.Split([Origin, Origin.AddDays(2), Origin.AddDays(1)]));
        Assert.Equal("timestamps", error.ParamName);
        Assert.Contains("element 2", error.Message);
    }
}
