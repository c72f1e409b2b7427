/**
 * Dense symmetric positive-definite inverse in place, row-major n x n Float64Array, by
 * Cholesky: A = L L^T, then A^-1 = L^-T L^-1. About n^3 flops and no extra n x n buffer, which
 * is what lets EASE run on a few thousand items inside one isolate.
 * Returns false (matrix left undefined) when A is not positive definite.
 */
export function invertSpdInPlace(a: Float64Array, n: number): boolean {
  // 1. Cholesky: L in the lower triangle (row-major: a[i*n+j], j <= i).
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s / ljj;
    }
  }
  // 2. M = L^-1 in place (lower triangle): M_ij = -(1/L_ii) sum_{k=j}^{i-1} L_ik M_kj. Row by
  // row, columns left to right: row i's L entries right of j are still unread L when needed.
  for (let j = 0; j < n; j++) a[j * n + j] = 1 / a[j * n + j]!;
  for (let i = 1; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s += a[ri + k]! * a[k * n + j]!;
      a[ri + j] = -s * a[ri + i]!;
    }
  }
  // 3. A^-1 = M^T M with M = L^-1 (lower): (A^-1)_ij = sum_{k>=max(i,j)} M_ki M_kj.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += a[k * n + i]! * a[k * n + j]!;
      // Stored in the upper triangle (and the diagonal last): M's entries still to be read
      // are all in rows >= i of the lower triangle.
      a[j * n + i] = s;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i]!;
  return true;
}
