namespace Backprop.Data;

/// <summary>The character encoding of a CSV file's bytes.</summary>
public enum TextEncoding
{
    /// <summary>
    /// UTF-8 (a byte-order mark is skipped; a UTF-16 byte-order mark switches to UTF-16). Bytes that are not valid
    /// UTF-8 are an error naming the line and byte offset, never replaced silently.
    /// </summary>
    Utf8,

    /// <summary>ISO-8859-1: each byte is the code point of the same value.</summary>
    Latin1,

    /// <summary>Windows-1252: Latin-1 except 0x80–0x9F, which hold €, ‚, „, …, curly quotes, Š, Œ, Ž and others.</summary>
    Windows1252,
}
