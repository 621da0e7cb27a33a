using LstmAe.Samples.MovingMnist;
using Spectre.Console;

// Live progress and tables on a terminal; plain lines, each printed once, when output is redirected or in CI.
bool interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
return SampleApp.Run(args, Console.Out, Console.Error, interactive);
