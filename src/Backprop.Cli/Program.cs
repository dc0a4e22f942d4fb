using System.CommandLine;
using Backprop.Cli;

return Cli.Run(args, Console.Out, Console.Error);
