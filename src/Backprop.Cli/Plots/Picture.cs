namespace Backprop.Cli.Plots;

/// <summary>One finished picture: the file name it is written under, its caption, and its SVG markup.</summary>
internal sealed record Picture(string FileName, string Caption, string Svg);
