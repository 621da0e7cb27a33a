using LstmAe.Samples.Anomaly;

return AnomalyApp.Run(args, Console.Out, Console.Error);
