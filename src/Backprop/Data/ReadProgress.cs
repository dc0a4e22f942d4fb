namespace Backprop.Data;

/// <summary>How far a reader has got through its input: bytes read from the file (compressed bytes for a gzipped file).</summary>
/// <param name="BytesRead">Bytes read so far.</param>
/// <param name="TotalBytes">The file's size; null when it is not known (a pipe or standard input).</param>
public readonly record struct ReadProgress(long BytesRead, long? TotalBytes);
