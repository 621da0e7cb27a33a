using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// Fresh weights drawn from a generator of their own rather than torch's process-wide one, which other threads (another
/// model's creation, a training run's dropout, a user's own code) may be drawing from at the same time. The draws are
/// PyTorch's default initialisation, made in the modules' registration order: every <c>nn.LSTM</c> parameter uniform
/// in ±1/√hidden; an <c>nn.Linear</c> weight Kaiming-uniform with a = √5 (±√3 · √(2 / (1 + a²)) / √fan_in, computed
/// as libtorch computes it) and its bias uniform in ±1/√fan_in. So a seed gives bit for bit the weights the modules
/// get when built right after <c>torch.manual_seed(seed)</c>.
/// </summary>
internal static class WeightInitialization
{
    /// <summary>Redraws every parameter of <paramref name="module"/> (on the CPU) from <paramref name="seed"/>.</summary>
    /// <exception cref="NotSupportedException">A submodule is neither an LSTM nor a linear layer, so its
    /// initialisation is not known here.</exception>
    public static void Reset(CompositeLstmAutoEncoderModule module, int seed)
    {
        using var generator = new Generator(unchecked((ulong)seed), new Device(TorchSharp.DeviceType.CPU));
        using var noGrad = no_grad();
        foreach ((string name, nn.Module child) in module.named_modules())
        {
            switch (child)
            {
                case LSTM lstm:
                    double stdv = 1.0 / Math.Sqrt(StackedLstmShape.Parameter(lstm, "weight_hh_l", 0).shape[1]);
                    foreach (Parameter parameter in lstm.parameters())
                        parameter.uniform_(-stdv, stdv, generator);
                    break;
                case Linear linear:
                    long fanIn = linear.weight!.shape[1];
                    double a = Math.Sqrt(5);
                    double bound = Math.Sqrt(3.0) * (Math.Sqrt(2.0 / (1 + a * a)) / Math.Sqrt(fanIn));
                    linear.weight.uniform_(-bound, bound, generator);
                    linear.bias?.uniform_(-1 / Math.Sqrt(fanIn), 1 / Math.Sqrt(fanIn), generator);
                    break;
                case CompositeLstmAutoEncoderModule or LstmEncoder or LstmDecoder:
                    if (child.named_parameters(recurse: false).Any())
                        throw new NotSupportedException($"'{name}' holds parameters of its own; their initialisation is not defined.");
                    break;
                default:
                    throw new NotSupportedException($"'{name}' is a {child.GetType().Name}, whose initialisation is not defined here.");
            }
        }
    }
}
