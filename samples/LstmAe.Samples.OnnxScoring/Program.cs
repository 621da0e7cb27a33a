using LstmAe.Samples.OnnxScoring;

return OnnxSampleApp.Run(args, Console.Out, Console.Error);
