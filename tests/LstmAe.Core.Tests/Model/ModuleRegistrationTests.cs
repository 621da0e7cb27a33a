using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary>
/// The modules register their submodules under the PyTorch tutorial's names, whatever their fields are called, also
/// when a user's module registers the composite as its own submodule (TorchSharp then asks each module to register
/// its components, which by default would add them again under the fields' names).
/// </summary>
[TestClass]
public sealed class ModuleRegistrationTests
{
    private static readonly string[] LstmNames = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"];
    private static readonly string[] Decoders = ["reconstruct_decoder", "predict_decoder"];

    [TestMethod]
    public void StateDictKeysAreTheTutorials()
    {
        var options = TinyModels.Options with { Layers = 1 };
        using var module = new CompositeLstmAutoEncoderModule(options);

        CollectionAssert.AreEquivalent(TutorialKeys(prefix: ""), module.state_dict().Keys.ToArray());
    }

    [TestMethod]
    public void AParentModuleSeesEachParameterOnceUnderTheTutorialsNames()
    {
        var options = TinyModels.Options with { Layers = 1 };
        using var parent = new Parent(new CompositeLstmAutoEncoderModule(options));

        CollectionAssert.AreEquivalent(TutorialKeys(prefix: "autoencoder."), parent.state_dict().Keys.ToArray());
        Assert.AreEqual(TutorialKeys("").Length, parent.parameters().Count());
    }

    [TestMethod]
    public void EveryModuleOrTensorFieldIsRegistered()
    {
        // The modules register by hand (RegisterComponents does nothing): a field added later and not registered
        // would be missing from state_dicts, parameters() and to(device).
        var options = TinyModels.Options with { Layers = 1 };
        using var module = new CompositeLstmAutoEncoderModule(options);
        nn.Module[] modules = [module, module.Encoder, module.ReconstructionDecoder!, module.PredictionDecoder!];

        foreach (nn.Module owner in modules)
        {
            object[] registered = owner.named_children().Select(c => (object)c.module)
                .Concat(owner.named_parameters(recurse: false).Select(p => (object)p.parameter))
                .Concat(owner.named_buffers(recurse: false).Select(b => (object)b.buffer))
                .ToArray();
            foreach (System.Reflection.FieldInfo field in owner.GetType().GetFields(
                System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly))
            {
                if (!typeof(nn.Module).IsAssignableFrom(field.FieldType) && !typeof(Tensor).IsAssignableFrom(field.FieldType))
                    continue;
                object? value = field.GetValue(owner);
                if (value is not null)
                    Assert.IsTrue(registered.Any(r => ReferenceEquals(r, value)), $"{owner.GetType().Name}.{field.Name} is not registered");
            }
        }
    }

    private static string[] TutorialKeys(string prefix) =>
        LstmNames.Select(n => "encoder.lstm." + n)
            .Concat(Decoders.SelectMany(d =>
                LstmNames.Select(n => $"{d}.lstm.{n}").Concat([$"{d}.fc.weight", $"{d}.fc.bias"])))
            .Select(key => prefix + key)
            .ToArray();

    /// <summary>A user's module holding the composite as a submodule.</summary>
    private sealed class Parent : nn.Module<Tensor, Tensor>
    {
        private readonly CompositeLstmAutoEncoderModule _autoencoder;

        public Parent(CompositeLstmAutoEncoderModule autoencoder) : base(nameof(Parent))
        {
            _autoencoder = autoencoder;
            register_module("autoencoder", _autoencoder);
        }

        public override Tensor forward(Tensor input) => _autoencoder.call(input, null).EncoderState.Hidden;
    }
}
