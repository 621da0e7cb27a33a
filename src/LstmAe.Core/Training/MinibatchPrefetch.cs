using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using static TorchSharp.torch;

namespace LstmAe.Training;

/// <summary>
/// Reads an epoch's minibatches on a thread of its own, a few ahead of training: each is read from the source,
/// checked and copied into a host tensor (page-locked on CUDA, so the copy to the GPU does not block) while the
/// training thread runs the step before. The minibatches, and any error, arrive in the order of
/// <see cref="MinibatchReader.Read"/>; the source is read ahead by at most <see cref="Depth"/> minibatches.
/// </summary>
internal sealed class MinibatchPrefetch : IDisposable
{
    /// <summary>Minibatches prepared ahead of the one in training.</summary>
    public const int Depth = 2;

    private readonly BlockingCollection<Item> _ready = new(Depth);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _producer;

    /// <summary>Starts reading <paramref name="epoch"/> of <paramref name="reader"/> after <paramref name="skipBatches"/>.</summary>
    public MinibatchPrefetch(MinibatchReader reader, int epoch, long skipBatches, bool pinned)
    {
        _producer = new Thread(() => Produce(reader, epoch, skipBatches, pinned)) { IsBackground = true, Name = "LstmAe minibatch prefetch" };
        _producer.Start();
    }

    /// <summary>Whether prefetching serves a model on <paramref name="device"/>: on CUDA, where the host would
    /// otherwise idle the GPU while it prepares each batch. On the CPU both threads would compete for the cores that
    /// run the step, so batches are read on the training thread there.</summary>
    public static bool Serves(TorchSharp.DeviceType device) => device == TorchSharp.DeviceType.CUDA;

    /// <summary>The minibatches in order, each with its host tensor, which the caller then owns.</summary>
    /// <exception cref="ArgumentException">As <see cref="MinibatchReader.ToHostTensor"/> or the source throws,
    /// when the minibatch that failed is reached.</exception>
    public IEnumerable<(BufferedMinibatch Info, Tensor Host)> Read()
    {
        foreach (Item item in _ready.GetConsumingEnumerable())
        {
            item.Error?.Throw();
            yield return (item.Info, item.Host!);
        }
    }

    /// <summary>Stops the reading thread, waits for it, and frees the minibatches prepared but not taken.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _producer.Join();
        while (_ready.TryTake(out Item item)) item.Host?.Dispose();
        _ready.Dispose();
        _stop.Dispose();
    }

    private void Produce(MinibatchReader reader, int epoch, long skipBatches, bool pinned)
    {
        try
        {
            foreach (BufferedMinibatch buffered in reader.Read(epoch, skipBatches))
            {
                Tensor host = reader.ToHostTensor(buffered, pinned);
                try
                {
                    _ready.Add(new Item(buffered, host, null), _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    host.Dispose();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // Any error reading the source belongs to the training thread, in order.
        catch (Exception error)
#pragma warning restore CA1031
        {
            TryAdd(new Item(default, null, ExceptionDispatchInfo.Capture(error)));
            return;
        }
        _ready.CompleteAdding();

        void TryAdd(Item item)
        {
            try
            {
                _ready.Add(item, _stop.Token);
                _ready.CompleteAdding();
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private readonly record struct Item(BufferedMinibatch Info, Tensor? Host, ExceptionDispatchInfo? Error);
}
