/**
 * Dense symmetric positive-definite inverse in place, row-major n x n Float64Array, by
 * Cholesky: A = L L^T, then A^-1 = L^-T L^-1. About n^3 flops, loops ordered to read memory
 * along rows, one scratch n x n buffer: what lets EASE run on ~1,500 items inside an isolate.
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
  // 2. M = L^-1 in place, row by row: row_i(M) = (e_i - sum_{k<i} L_ik row_k(M)) / L_ii.
  // Each L_ik is read just before its slot is overwritten; the inner loops run along rows.
  for (let j = 0; j < n; j++) a[j * n + j] = 1 / a[j * n + j]!;
  for (let i = 1; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const c = a[ri + k]!;
      const rk = k * n;
      a[ri + k] = -c * a[rk + k]!;
      for (let j = 0; j < k; j++) a[ri + j]! -= c * a[rk + j]!;
    }
    const d = a[ri + i]!;
    for (let j = 0; j < i; j++) a[ri + j]! *= d;
  }
  // 3. A^-1 = M^T M as a sum of outer products of M's rows (contiguous reads), into the upper
  // triangle of a scratch matrix, then mirrored back.
  const r = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const c = a[rk + i]!;
      if (c === 0) continue;
      const ri = i * n;
      for (let j = i; j <= k; j++) r[ri + j]! += c * a[rk + j]!;
    }
  }
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const v = r[i * n + j]!;
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  return true;
}
