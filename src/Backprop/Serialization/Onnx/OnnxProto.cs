namespace Backprop.Serialization.Onnx;

/// <summary>
/// The field numbers and constants of onnx.proto (ONNX 1.x) that Backprop writes and reads. Only these messages and
/// fields are used; everything else in a file is skipped.
/// </summary>
internal static class OnnxProto
{
    /// <summary>IR version 8 (ONNX 1.10+), read by ONNX Runtime 1.10 and later, including 1.31.</summary>
    public const long IrVersion = 8;

    /// <summary>The default (ai.onnx) operator set the exporter targets: 17 (ONNX 1.12, ONNX Runtime 1.13 and later).</summary>
    public const long OpsetVersion = 17;

    /// <summary>The ai.onnx.ml operator set the exporter targets: 2 (LabelEncoder with int64 keys and string values).</summary>
    public const long MlOpsetVersion = 2;

    public const string MlDomain = "ai.onnx.ml";

    // TensorProto.DataType
    public const int Float = 1;
    public const int Int64 = 7;
    public const int String = 8;

    // AttributeProto.AttributeType
    public const int AttributeFloat = 1;
    public const int AttributeInt = 2;
    public const int AttributeString = 3;
    public const int AttributeFloats = 6;
    public const int AttributeInts = 7;
    public const int AttributeStrings = 8;

    public static class Model
    {
        public const int IrVersion = 1;
        public const int ProducerName = 2;
        public const int ProducerVersion = 3;
        public const int Domain = 4;
        public const int ModelVersion = 5;
        public const int DocString = 6;
        public const int Graph = 7;
        public const int OpsetImport = 8;
        public const int MetadataProps = 14;
    }

    public static class OperatorSet
    {
        public const int Domain = 1;
        public const int Version = 2;
    }

    public static class StringEntry
    {
        public const int Key = 1;
        public const int Value = 2;
    }

    public static class Graph
    {
        public const int Node = 1;
        public const int Name = 2;
        public const int Initializer = 5;
        public const int DocString = 10;
        public const int Input = 11;
        public const int Output = 12;
    }

    public static class Node
    {
        public const int Input = 1;
        public const int Output = 2;
        public const int Name = 3;
        public const int OpType = 4;
        public const int Attribute = 5;
        public const int DocString = 6;
        public const int Domain = 7;
    }

    public static class Attribute
    {
        public const int Name = 1;
        public const int F = 2;
        public const int I = 3;
        public const int S = 4;
        public const int Floats = 7;
        public const int Ints = 8;
        public const int Strings = 9;
        public const int Type = 20;
    }

    public static class Tensor
    {
        public const int Dims = 1;
        public const int DataType = 2;
        public const int FloatData = 4;
        public const int Int64Data = 7;
        public const int Name = 8;
        public const int RawData = 9;
        public const int DocString = 12;
        public const int DataLocation = 14;
    }

    public static class ValueInfo
    {
        public const int Name = 1;
        public const int Type = 2;
        public const int DocString = 3;
    }

    public static class Type
    {
        public const int TensorType = 1;
    }

    public static class TensorType
    {
        public const int ElemType = 1;
        public const int Shape = 2;
    }

    public static class Shape
    {
        public const int Dim = 1;
    }

    public static class Dimension
    {
        public const int Value = 1;
        public const int Param = 2;
    }
}
