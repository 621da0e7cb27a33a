using LstmAe.Interop;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Interop;

[TestClass]
public sealed class TensorVersionTests
{
    [TestMethod]
    public void RisesWithEveryInPlaceWriteAndOnlyThen()
    {
        using var scope = NewDisposeScope();
        Tensor tensor = zeros(3);
        long created = TensorVersion.Of(tensor)!.Value;

        Tensor sum = tensor + ones(3);
        Assert.AreEqual(created, TensorVersion.Of(tensor), "an out-of-place op leaves it");
        tensor.add_(sum);
        long added = TensorVersion.Of(tensor)!.Value;
        Assert.IsGreaterThan(created, added, "add_");
        using (no_grad()) tensor.mul_(sum);
        Assert.IsGreaterThan(added, TensorVersion.Of(tensor)!.Value, "mul_ without gradients");
    }

    [TestMethod]
    public void ParameterVersionRisesWithAnOptimizerStep()
    {
        using var scope = NewDisposeScope();
        var parameter = new TorchSharp.Modules.Parameter(ones(4));
        var optimizer = optim.SGD([parameter], 0.1);
        parameter.sum().backward();
        long before = TensorVersion.Of(parameter)!.Value;

        optimizer.step();

        Assert.IsGreaterThan(before, TensorVersion.Of(parameter)!.Value);
    }

    [TestMethod]
    public void InferenceTensorsHaveNone()
    {
        using var scope = NewDisposeScope();
        Tensor tensor;
        using (inference_mode()) tensor = zeros(3);
        Assert.IsNull(TensorVersion.Of(tensor));
    }
}
