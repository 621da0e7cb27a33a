namespace LstmAe.Benchmarks;

/// <summary>One group of measurements. Suites are found by reflection, so a new suite is one new file.</summary>
public interface IBenchmarkSuite
{
    /// <summary>Short name used on the command line, e.g. "model".</summary>
    string Name { get; }

    /// <summary>One line saying what the suite measures.</summary>
    string Description { get; }

    /// <summary>Runs the measurements and prints a table of figures to standard output.</summary>
    /// <param name="settings">Quick or full run, and the device (suites without a model run on the CPU).</param>
    void Run(BenchmarkSettings settings);
}
