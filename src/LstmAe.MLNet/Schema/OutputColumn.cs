using LstmAe.MLNet.Transform;
using LstmAe.Model;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Schema;

/// <summary>One column the transformer adds.</summary>
internal sealed record OutputColumn(OutputKind Kind, string Name, DataViewType Type)
{
    /// <summary>The columns <paramref name="settings"/> ask for, typed by the model's sizes.</summary>
    public static IReadOnlyList<OutputColumn> For(TransformerSettings settings, LstmAutoEncoderModelOptions model)
    {
        var columns = new List<OutputColumn>
        {
            new(OutputKind.Features, settings.OutputColumnName,
                new VectorDataViewType(NumberDataViewType.Single, model.FeatureSize(settings.EncoderFeatures))),
        };
        if (settings.ReconstructionColumnName is { } reconstruction)
        {
            columns.Add(new(OutputKind.Reconstruction, reconstruction,
                new VectorDataViewType(NumberDataViewType.Single, model.InputFrames, model.FrameHeight, model.FrameWidth)));
        }

        if (settings.PredictionColumnName is { } prediction)
        {
            columns.Add(new(OutputKind.Prediction, prediction,
                new VectorDataViewType(NumberDataViewType.Single, model.FutureFrames, model.FrameHeight, model.FrameWidth)));
        }

        if (settings.ReconstructionErrorColumnName is { } error)
            columns.Add(new(OutputKind.ReconstructionError, error, NumberDataViewType.Single));
        return columns;
    }
}
