using LstmAe.Model;

namespace LstmAe.MLNet.Transform;

/// <summary>
/// A transformer's native model and its lifetime. It is shared by owners: the transformer's creator, plus one per
/// row-to-row mapper handed out, because a <see cref="Microsoft.ML.PredictionEngine{TSrc, TDst}"/> disposes the
/// transformer it was created over when it is disposed itself (ML.NET's default), so engines sharing one transformer
/// would otherwise free the model under each other. Each release lets go of one owner's share; the last one frees
/// the native tensors.
/// </summary>
/// <remarks>
/// Every use of the tensors (forward passes, saving) and the release take one lock, so the model is never freed while
/// a pass runs: libtorch would read freed memory, which kills the process. After the release, every use throws
/// <see cref="ObjectDisposedException"/> naming <see cref="LstmAutoEncoderTransformer"/>.
/// </remarks>
internal sealed class SharedModel(LstmAutoEncoder model)
{
    private readonly Lock _gate = new();
    private int _owners = 1;

    /// <summary>The model's options: managed, so readable after the release too.</summary>
    public LstmAutoEncoderModelOptions Options => model.Options;

    /// <summary>The model, for use outside the lock (the transformer's public <c>Model</c>).</summary>
    /// <exception cref="ObjectDisposedException">The model was released.</exception>
    public LstmAutoEncoder Unguarded
    {
        get
        {
            ThrowIfReleased();
            return model;
        }
    }

    /// <summary>Throws unless the model is still held.</summary>
    /// <exception cref="ObjectDisposedException">The model was released.</exception>
    public void ThrowIfReleased()
    {
        if (Volatile.Read(ref _owners) == 0)
            throw Released();
    }

    /// <summary>Adds an owner, who must call <see cref="Release"/> once.</summary>
    /// <exception cref="ObjectDisposedException">The model was released.</exception>
    public void AddOwner()
    {
        lock (_gate)
        {
            ThrowIfReleased();
            _owners++;
        }
    }

    /// <summary>Lets go of one owner's share; the last one frees the tensors, after any pass in progress. Calls
    /// after that do nothing.</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (_owners == 0)
                return;
            if (--_owners == 0)
                model.Dispose();
        }
    }

    /// <summary>Holds the lock until the returned scope is disposed, and gives the model to use meanwhile:
    /// <c>using (shared.Use(out var live)) live.Infer(...)</c>.</summary>
    /// <exception cref="ObjectDisposedException">The model was released.</exception>
    public Lock.Scope Use(out LstmAutoEncoder live)
    {
        Lock.Scope scope = _gate.EnterScope();
        if (_owners == 0)
        {
            scope.Dispose();
            throw Released();
        }
        live = model;
        return scope;
    }

    private static ObjectDisposedException Released() => new(nameof(LstmAutoEncoderTransformer),
        $"This {nameof(LstmAutoEncoderTransformer)} was disposed by its last owner (the code that fitted or loaded it, or a " +
        "PredictionEngine created over it, which disposes its transformer by default), so its model's native memory is " +
        "released: fit or load the model again.");
}
