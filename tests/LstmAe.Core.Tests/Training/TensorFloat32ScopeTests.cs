using LstmAe.Model;
using LstmAe.Training;
using TorchSharp;

namespace LstmAe.Core.Tests.Training;

[TestClass]
public sealed class TensorFloat32ScopeTests
{
    [TestMethod]
    public void AppliesOnlyToFloat32ProductsOnCudaWhenAllowed()
    {
        Assert.IsTrue(TensorFloat32Scope.Applies(DeviceType.CUDA, MatrixPrecision.Float32, allowed: true));
        Assert.IsFalse(TensorFloat32Scope.Applies(DeviceType.CUDA, MatrixPrecision.Float32, allowed: false));
        Assert.IsFalse(TensorFloat32Scope.Applies(DeviceType.CUDA, MatrixPrecision.BFloat16, allowed: true));
        Assert.IsFalse(TensorFloat32Scope.Applies(DeviceType.CPU, MatrixPrecision.Float32, allowed: true));
        Assert.IsTrue(new TrainingOptions().AllowTensorFloat32, "on by default");
    }

    [TestMethod]
    public void TheScopeRestoresLibtorchsFlags()
    {
        bool cublas = torch.backends.cuda.matmul.allow_tf32, cudnn = torch.backends.cudnn.allow_tf32;
        try
        {
            torch.backends.cuda.matmul.allow_tf32 = false;
            using (TensorFloat32Scope.For(DeviceType.CUDA, MatrixPrecision.Float32, allowed: true))
            {
                Assert.IsTrue(torch.backends.cuda.matmul.allow_tf32);
                Assert.IsTrue(torch.backends.cudnn.allow_tf32);
            }
            Assert.IsFalse(torch.backends.cuda.matmul.allow_tf32);
            Assert.IsNull(TensorFloat32Scope.For(DeviceType.CPU, MatrixPrecision.Float32, allowed: true));
        }
        finally
        {
            torch.backends.cuda.matmul.allow_tf32 = cublas;
            torch.backends.cudnn.allow_tf32 = cudnn;
        }
    }
}
