namespace LstmAe.Metrics;

/// <summary>Frame metrics averaged over every frame seen (see <see cref="FrameMetrics"/> for the conventions).</summary>
/// <param name="Frames">How many frames were compared.</param>
/// <param name="CrossEntropyNats">Binary cross-entropy per frame, in nats (the paper's unit).</param>
/// <param name="SquaredError">Squared error summed over a frame's pixels, per frame (OpenSTL's MSE).</param>
/// <param name="AbsoluteError">Absolute error summed over a frame's pixels, per frame (OpenSTL's MAE).</param>
/// <param name="Ssim">Mean structural similarity, or null for frames smaller than the SSIM window.</param>
public sealed record FrameMetricsSummary(long Frames, double CrossEntropyNats, double SquaredError, double AbsoluteError, double? Ssim);
