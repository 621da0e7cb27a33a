using LstmAe.MLNet.ModelRunner;

// Runs, in a process of its own, what LstmAe.MLNet.Tests must not do in the test host: load a saved model from
// scratch (the round trip), or a scenario that killed the process before it was fixed (a native crash cannot be
// caught, so a regression must kill only this process). A scenario prints what happened and exits 0 when every
// expectation held, 1 otherwise. The fuzz mode loads mutated model zips, npy files and frame images.
return args switch
{
    ["lifetime", string scenario] => TransformerLifetime.Run(scenario),
    ["npy-truncated", string path] => TruncatedNpy.Run(path),
    ["fuzz", string folder, string seed, string cases] => Fuzz.Run(folder, int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture), int.Parse(cases, System.Globalization.CultureInfo.InvariantCulture)),
    _ => RoundTrip.Run(args),
};
