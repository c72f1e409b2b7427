/** One line of a diff: kept (in both), removed (only in the old text) or added (only in the new). */
export type DiffLine = { op: " " | "-" | "+"; text: string };

/** Above this many lines on either side the diff degrades to "all removed, all added". */
export const MAX_DIFF_LINES = 20_000;
/** Above this many changed lines, likewise: bounds the work at O((N+M)·D) and memory at O(D²). */
export const MAX_EDITS = 1_000;

const replaceAll = (a: string[], b: string[]): DiffLine[] => [
  ...a.map((text) => ({ op: "-" as const, text })),
  ...b.map((text) => ({ op: "+" as const, text })),
];

/**
 * A line diff by Myers' O((N+M)D) algorithm: the shortest edit script, removals before
 * additions within a change. Pure; used to show a config draft against the active version.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === "" ? [] : before.split("\n");
  const b = after === "" ? [] : after.split("\n");
  if (a.length > MAX_DIFF_LINES || b.length > MAX_DIFF_LINES) return replaceAll(a, b);
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  // v[k] is the furthest x on diagonal k (stored at k + offset); trace[d] keeps diagonals -d..d.
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    trace.push(v.slice(offset - d, offset + d + 1));
  }
  if (!found) return replaceAll(a, b);
  // Walk back from (n, m): at step d, the snake ended on diagonal k, entered from d - 1.
  const at = (d: number, k: number) => trace[d]![k + d]!;
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const k = x - y;
    if (d === 0) {
      while (x > 0 && y > 0) {
        out.push({ op: " ", text: a[--x]! });
        y--;
      }
      break;
    }
    const down = k === -d || (k !== d && at(d - 1, k - 1) < at(d - 1, k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(d - 1, prevK);
    const prevY = prevX - prevK;
    // The snake (equal lines), then the one edit that reached it.
    while (x > (down ? prevX : prevX + 1) && y > (down ? prevY + 1 : prevY)) {
      out.push({ op: " ", text: a[--x]! });
      y--;
    }
    if (down) out.push({ op: "+", text: b[--y]! });
    else out.push({ op: "-", text: a[--x]! });
  }
  return out.reverse();
}

/** Only the changes, each with up to `context` unchanged lines around it; `null` marks a gap. */
export function withContext(lines: DiffLine[], context = 3): (DiffLine | null)[] {
  const keep = lines.map(() => false);
  lines.forEach((line, i) => {
    if (line.op === " ") return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++)
      keep[j] = true;
  });
  if (!keep.includes(true)) return [];
  const out: (DiffLine | null)[] = [];
  lines.forEach((line, i) => {
    if (keep[i]) out.push(line);
    else if (out[out.length - 1] !== null) out.push(null);
  });
  return out;
}
