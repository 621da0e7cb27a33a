using System.Globalization;

namespace LstmAe.Model;

/// <summary>
/// The device names LstmAe accepts: <c>"cpu"</c>, <c>"cuda"</c> (the first GPU) and <c>"cuda:N"</c> (GPU N), in
/// any case. Other names (such as <c>"tpu:7"</c>) are refused with a message that lists these, instead of
/// TorchSharp's "Requested value 'TPU' was not found."
/// </summary>
public static class TorchDevices
{
    /// <summary>The accepted names, for messages.</summary>
    public const string Accepted = "\"cpu\", \"cuda\" (the first GPU) and \"cuda:N\" (GPU N, such as \"cuda:1\")";

    /// <summary><see cref="Accepted"/> where a missing CUDA makes <see cref="Resolve(string, string, out string?)"/> fall back to the CPU.</summary>
    internal const string AcceptedWithFallback = "\"cpu\", \"cuda\" (the first GPU, or the CPU with a warning when CUDA " +
        "is unavailable) and \"cuda:N\" (GPU N, such as \"cuda:1\")";

    /// <summary>Whether <paramref name="device"/> is one of the accepted names; it need not be present here.</summary>
    public static bool IsKnown(string? device)
    {
        if (string.IsNullOrWhiteSpace(device)) return false;
        string[] parts = device.Split(':');
        return parts[0].ToLowerInvariant() is "cpu" or "cuda"
            && (parts.Length == 1 || (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)));
    }

    /// <summary>Throws unless <paramref name="device"/> is an accepted name.</summary>
    /// <param name="device">The name to check.</param>
    /// <param name="parameterName">The option or parameter that holds it, named in the message.</param>
    /// <exception cref="ArgumentException">It is not; the message names <paramref name="parameterName"/>, the value
    /// and the accepted names.</exception>
    public static void RequireKnown(string? device, string parameterName) => RequireKnown(device, parameterName, fallsBack: false);

    /// <summary><see cref="RequireKnown(string?, string)"/>; with <paramref name="fallsBack"/>, the message says that
    /// "cuda" falls back to the CPU where CUDA is unavailable (for callers that use <see cref="Resolve(string, string, out string?)"/>).</summary>
    internal static void RequireKnown(string? device, string parameterName, bool fallsBack)
    {
        if (!IsKnown(device))
        {
            throw new ArgumentException(
                $"{parameterName} is '{device}'; the devices are {(fallsBack ? AcceptedWithFallback : Accepted)}.", parameterName);
        }
    }

    /// <summary>
    /// The device to use for <paramref name="device"/> (an accepted name): itself, or <c>"cpu"</c> when it names a
    /// CUDA device and CUDA is not available, with <paramref name="warning"/> saying so (null otherwise).
    /// </summary>
    /// <param name="device">The requested device.</param>
    /// <param name="purpose">What the device is for, ending the warning: "training", "loading the model".</param>
    /// <param name="warning">The fallback's warning for the caller's log, or null.</param>
    /// <exception cref="ArgumentException"><paramref name="device"/> is not an accepted name.</exception>
    public static string Resolve(string device, string purpose, out string? warning) =>
        Resolve(device, purpose, TorchSharp.torch.cuda.is_available(), out warning);

    /// <summary><see cref="Resolve(string, string, out string?)"/> with CUDA's availability given.</summary>
    internal static string Resolve(string device, string purpose, bool cudaAvailable, out string? warning)
    {
        RequireKnown(device, nameof(device), fallsBack: true);
        warning = null;
        if (device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && !cudaAvailable)
        {
            warning = $"Device '{device}' requested but CUDA is not available; {purpose} on the CPU.";
            return "cpu";
        }
        return device;
    }
}
