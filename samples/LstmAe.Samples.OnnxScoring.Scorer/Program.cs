using LstmAe.Samples.OnnxScoring.Scorer;

return ScorerApp.Run(args, Console.Out, Console.Error);
