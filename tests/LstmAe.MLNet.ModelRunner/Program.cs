using LstmAe.MLNet.ModelRunner;

// Runs, in a process of its own, what LstmAe.MLNet.Tests must not do in the test host: load a saved model from
// scratch (the round trip), or a scenario that killed the process before it was fixed (a native crash cannot be
// caught, so a regression must kill only this process). A scenario prints what happened and exits 0 when every
// expectation held, 1 otherwise.
return args switch
{
    ["lifetime", string scenario] => TransformerLifetime.Run(scenario),
    ["npy-truncated", string path] => TruncatedNpy.Run(path),
    _ => RoundTrip.Run(args),
};
