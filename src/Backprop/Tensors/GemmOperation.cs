namespace Backprop.Tensors;

/// <summary>Which matrix product <see cref="Engine.Multiply"/> computes; the three that training runs.</summary>
public enum GemmOperation
{
    /// <summary>C = A B: A is (m, k), B is (k, n). Backward's δ_prev = δ W.</summary>
    AB,

    /// <summary>C = A Bᵀ: A is (m, k), B is (n, k). Forward's z = x Wᵀ.</summary>
    ABTransposed,

    /// <summary>C = Aᵀ B: A is (k, m), B is (k, n). The weight gradient ∇W = δᵀ x.</summary>
    ATransposedB,
}
