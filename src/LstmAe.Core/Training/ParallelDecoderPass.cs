using System.Collections.Concurrent;
using LstmAe.Interop;
using LstmAe.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Training;

/// <summary>
/// A training step's forward and backward passes with the two decoders on two threads. After the encoder, the
/// decoders are independent until their gradients meet in the encoder's final state, and each is a chain of small
/// per-step operations that libtorch runs on one core however many it has, so run one after the other they leave the
/// other cores idle (docs/performance.md). Here each decoder starts from its own detached copy of the encoder state
/// and takes its term's backward pass on its own thread; the encoder's backward pass then takes the sum of the two
/// state gradients. The gradients equal those of one backward pass through the summed loss bit for bit: every
/// decoder parameter belongs to one thread, and the two state gradients meet in one addition, which is commutative.
/// </summary>
/// <remarks>
/// Only on the CPU, for composite models whose decoders draw no dropout masks: both decoders draw from the run's one
/// generator, and two threads would not keep the order of the draws. The pass calls the encoder and the decoders
/// itself, so forward hooks registered on the composite module do not run during training (hooks on the encoder
/// and the decoders do).
/// </remarks>
internal sealed class ParallelDecoderPass : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _worker;

    private ParallelDecoderPass()
    {
        _worker = new Thread(() =>
        {
            foreach (Action item in _work.GetConsumingEnumerable()) item();
        })
        {
            IsBackground = true,
            Name = "LstmAe prediction decoder",
        };
        _worker.Start();
    }

    /// <summary>A pass for <paramref name="model"/>, or null where it does not apply (see the remarks on the class).</summary>
    public static ParallelDecoderPass? For(LstmAutoEncoder model)
    {
        CompositeLstmAutoEncoderModule module = model.Module;
        bool applies = module.ReconstructionDecoder is not null && module.PredictionDecoder is not null
            && model.Device.type == DeviceType.CPU
            && (model.Options.Layers == 1 || model.Options.Dropout == 0)
            && Environment.ProcessorCount > 1;
        return applies ? new ParallelDecoderPass() : null;
    }

    /// <summary>Runs the forward and backward passes of one minibatch; gradients accumulate as after
    /// <c>loss.backward()</c>. Returns the loss terms, for the progress report.</summary>
    public AutoEncoderLoss.Terms ForwardBackward(CompositeLstmAutoEncoderModule module, Minibatch batch, TrainingObjective objective)
    {
        LstmState state = module.Encoder.call(batch.Input);
        LstmState forPrediction = DetachedCopy(state), forReconstruction = DetachedCopy(state);

        var prediction = new TaskCompletionSource<AutoEncoderLoss.Term>();
        _work.Add(() =>
        {
            try
            {
                prediction.SetResult(PredictionBranch(module.PredictionDecoder!, forPrediction, batch.Future, objective));
            }
            catch (Exception e)
            {
                prediction.SetException(e);
            }
        });

        AutoEncoderLoss.Term reconstruction;
        try
        {
            Tensor decoded = module.ReconstructionDecoder!.call(forReconstruction, module.ReconstructionDecoderTargets(batch.Input));
            reconstruction = AutoEncoderLoss.ReconstructionTerm(decoded, batch.Input, objective);
            reconstruction.Loss.backward();
        }
        finally
        {
            // Never leave the step, even by an exception, while the other thread still uses the model; its tensors
            // then join this step's dispose scope.
            AwaitQuietly(prediction.Task);
            if (prediction.Task.IsCompletedSuccessfully)
                CurrentDisposeScope?.Attach(prediction.Task.Result.Decoded, prediction.Task.Result.Loss);
        }
        // Rethrows the worker's own exception, not an AggregateException.
        AutoEncoderLoss.Term predicted = prediction.Task.GetAwaiter().GetResult();

        torch.autograd.backward(
            [state.Hidden, state.Cell],
            [Sum(forReconstruction.Hidden, forPrediction.Hidden), Sum(forReconstruction.Cell, forPrediction.Cell)]);
        // For the report only: the gradients are in place.
        using var noGrad = no_grad();
        return AutoEncoderLoss.Terms.Of(reconstruction, predicted, objective);
    }

    /// <summary>The prediction decoder's forward and backward passes, on the worker thread. The tensors it returns
    /// belong to no dispose scope: the caller takes them over.</summary>
    private static AutoEncoderLoss.Term PredictionBranch(LstmDecoder decoder, LstmState state, Tensor? future, TrainingObjective objective)
    {
        using var scope = NewDisposeScope();
        Tensor decoded = decoder.call(state, future);
        AutoEncoderLoss.Term term = AutoEncoderLoss.PredictionTerm(decoded, future, objective);
        term.Loss.backward();
        term.Decoded.DetachFromDisposeScope();
        term.Loss.DetachFromDisposeScope();
        return term;
    }

    /// <summary>A copy of <paramref name="state"/> that shares its memory, starts a graph of its own and collects
    /// the gradient that reaches it.</summary>
    private static LstmState DetachedCopy(LstmState state) =>
        new(state.Hidden.detach().requires_grad_(), state.Cell.detach().requires_grad_());

    /// <summary>The sum of the gradients two copies of a state received.</summary>
    private static Tensor Sum(Tensor first, Tensor second) => RetainedScalars.Sum(GradientOf(first), GradientOf(second));

    private static Tensor GradientOf(Tensor stateCopy) => stateCopy.grad
        ?? throw new InvalidOperationException("A decoder's backward pass left part of the encoder state without a gradient.");

    /// <summary>Waits for <paramref name="task"/> to end, however it ends.</summary>
    private static void AwaitQuietly(Task task)
    {
        try
        {
            task.Wait();
        }
        catch (AggregateException)
        {
            // The caller reads the outcome from the task.
        }
    }

    /// <summary>Ends the worker thread.</summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        _worker.Join();
        _work.Dispose();
    }
}
