namespace LstmAe.Training;

/// <summary>
/// A source of training sequences, read one epoch at a time. Each sequence is <see cref="SequenceLength"/> floats:
/// frames in time order, row-major, either the input frames only or the input frames followed by the future frames.
/// </summary>
public interface ISequenceSource
{
    /// <summary>Floats in one sequence.</summary>
    int SequenceLength { get; }

    /// <summary>The sequences of one epoch, in the order to train on them (shuffle per epoch where the source can).
    /// The memory of an item may be reused once the enumerator moves on, so consumers copy what they keep.</summary>
    IEnumerable<ReadOnlyMemory<float>> Read(int epoch);

    /// <summary>Sequences per epoch, found without reading the sequences themselves (null, the default, when the
    /// source cannot do that cheaply); when not null it must equal what <see cref="Read"/> yields. Spares the trainer
    /// a counting pass. A count that loops must stop (returning anything) once <paramref name="cancellationToken"/>
    /// is cancelled.</summary>
    long? CountWithoutReading(CancellationToken cancellationToken) => null;
}
