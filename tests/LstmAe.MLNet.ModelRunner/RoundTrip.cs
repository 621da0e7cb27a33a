using Microsoft.ML;

namespace LstmAe.MLNet.ModelRunner;

/// <summary>
/// Usage: LstmAe.MLNet.ModelRunner &lt;model.zip&gt; &lt;input.idv&gt; &lt;output.idv&gt; &lt;column&gt;...
/// Loads the model in this fresh process (after the one registration call), transforms the input (ML.NET binary
/// data), and writes the named output columns as ML.NET binary data for the calling test to compare.
/// </summary>
internal static class RoundTrip
{
    public static int Run(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("Usage: LstmAe.MLNet.ModelRunner <model.zip> <input.idv> <output.idv> <column>...");
            return 2;
        }

        var mlContext = new MLContext(seed: 0);
        mlContext.ComponentCatalog.RegisterLstmAutoEncoder();
        ITransformer model = mlContext.Model.Load(args[0], out _);
        IDataView input = mlContext.Data.LoadFromBinary(args[1]);
        IDataView transformed = model.Transform(input);
        IDataView output = mlContext.Transforms.SelectColumns(args[3..]).Fit(transformed).Transform(transformed);
        using (FileStream file = File.Create(args[2]))
            mlContext.Data.SaveAsBinary(output, file, keepHidden: false);
        Console.WriteLine($"Wrote {output.GetRowCount()} rows of {string.Join(", ", args[3..])} to {args[2]}");
        return 0;
    }
}
