import { describe, expect, it } from "vitest";
import { invertSpdInPlace } from "./linalg.ts";

/** A random symmetric positive-definite matrix: M M^T + n I. */
function spd(n: number, seed: number): Float64Array {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const m = Array.from({ length: n * n }, rnd);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let v = i === j ? n : 0;
      for (let k = 0; k < n; k++) v += m[i * n + k]! * m[j * n + k]!;
      a[i * n + j] = v;
    }
  return a;
}

describe("invertSpdInPlace", () => {
  it("inverts a 2x2 matrix exactly", () => {
    const a = new Float64Array([4, 2, 2, 3]);
    expect(invertSpdInPlace(a, 2)).toBe(true);
    // inverse of [[4,2],[2,3]] = 1/8 [[3,-2],[-2,4]]
    [0.375, -0.25, -0.25, 0.5].forEach((v, i) => expect(a[i]).toBeCloseTo(v, 12));
  });

  it("gives A * A^-1 = I for a random 40x40 SPD matrix", () => {
    const n = 40;
    const a = spd(n, 7);
    const inv = a.slice();
    expect(invertSpdInPlace(inv, n)).toBe(true);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += a[i * n + k]! * inv[k * n + j]!;
        expect(v).toBeCloseTo(i === j ? 1 : 0, 9);
      }
  });

  it("refuses a matrix that is not positive definite", () => {
    expect(invertSpdInPlace(new Float64Array([1, 2, 2, 1]), 2)).toBe(false);
  });
});
