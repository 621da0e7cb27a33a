using System.Reflection;
using Microsoft.ML;

namespace LstmAe.MLNet.Tests.Support;

/// <summary>Cancels an <see cref="MLContext"/> the way AutoML does, through ML.NET's internal
/// <c>MLContext.CancelExecution</c>, which only ML.NET's friend assemblies can call directly.</summary>
internal static class MlContextCancellation
{
    private static readonly MethodInfo CancelExecutionMethod =
        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes)
        ?? throw new MissingMethodException(nameof(MLContext), "CancelExecution");

    /// <summary>Calls <c>MLContext.CancelExecution</c> on <paramref name="context"/>.</summary>
    public static void CancelExecution(MLContext context) => CancelExecutionMethod.Invoke(context, null);
}
