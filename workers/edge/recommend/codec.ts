import { LIST_NAMES, type ListName, type ModelInfo, type RecoModel } from "./model.ts";
import type { NeighbourList } from "./neighbours.ts";

/**
 * Wire format of a published model: a small JSON manifest (ids, sizes, metrics) and one binary
 * buffer of typed arrays, cut into shards well below KV's 25 MiB value limit. Decoding is a
 * handful of typed-array views (microseconds), not a JSON parse of every neighbour.
 *
 * Buffer layout (all 4-byte values, little-endian as typed arrays are on every Workers host):
 *   popularity f32[n]; then per list in LIST_NAMES order: offsets u32[n+1], idx u32[nnz],
 *   weight f32[nnz].
 */
export const FORMAT = 1;
export const DEFAULT_SHARD_BYTES = 1 << 20;

export type Manifest = {
  format: typeof FORMAT;
  version: string;
  createdAt: number;
  items: string[];
  nnz: Record<ListName, number>;
  byteLength: number;
  shards: number;
  info: ModelInfo;
  /** Offline quality and run facts, for the record. */
  metrics: Record<string, number>;
};

export type Encoded = { manifest: Manifest; shards: ArrayBuffer[] };

export function encodeModel(
  model: RecoModel,
  metrics: Record<string, number> = {},
  shardBytes = DEFAULT_SHARD_BYTES,
): Encoded {
  const n = model.items.length;
  const nnz = Object.fromEntries(
    LIST_NAMES.map((name) => [name, model.lists[name].idx.length]),
  ) as Record<ListName, number>;
  const words = n + LIST_NAMES.reduce((s, name) => s + n + 1 + 2 * nnz[name], 0);
  const buffer = new ArrayBuffer(words * 4);
  let at = 0;
  const put = (src: Uint32Array | Float32Array) => {
    const Ctor = src instanceof Float32Array ? Float32Array : Uint32Array;
    new Ctor(buffer, at * 4, src.length).set(src as never);
    at += src.length;
  };
  put(model.popularity);
  for (const name of LIST_NAMES) {
    const l = model.lists[name];
    put(l.offsets);
    put(l.idx);
    put(l.weight);
  }
  const shards: ArrayBuffer[] = [];
  for (let from = 0; from < buffer.byteLength; from += shardBytes)
    shards.push(buffer.slice(from, Math.min(buffer.byteLength, from + shardBytes)));
  if (shards.length === 0) shards.push(new ArrayBuffer(0));
  return {
    manifest: {
      format: FORMAT,
      version: model.version,
      createdAt: model.createdAt,
      items: model.items,
      nnz,
      byteLength: buffer.byteLength,
      shards: shards.length,
      info: model.info,
      metrics,
    },
    shards,
  };
}

/** Why a stored model was refused; the edge then falls back to popularity. */
export class CorruptModelError extends Error {}

/**
 * Rebuilds a model from its manifest and shards, checking every size and index so a truncated,
 * mixed or tampered model is refused here instead of failing (or recommending garbage ids)
 * later on the hot path.
 */
export function decodeModel(manifest: unknown, shards: readonly (ArrayBuffer | null)[]): RecoModel {
  const m = manifest as Partial<Manifest> | null;
  if (!m || m.format !== FORMAT) throw new CorruptModelError("unknown model format");
  if (!Array.isArray(m.items) || !m.items.every((id) => typeof id === "string"))
    throw new CorruptModelError("manifest.items is not a list of ids");
  if (typeof m.byteLength !== "number" || m.byteLength % 4 !== 0)
    throw new CorruptModelError("manifest.byteLength is invalid");
  if (!m.nnz || typeof m.version !== "string")
    throw new CorruptModelError("manifest is incomplete");
  if (shards.length !== m.shards || shards.some((s) => !(s instanceof ArrayBuffer)))
    throw new CorruptModelError("model shards are missing");
  const total = shards.reduce((s, b) => s + b!.byteLength, 0);
  if (total !== m.byteLength) throw new CorruptModelError("model shards do not add up");
  const n = m.items.length;
  const expected =
    4 * (n + LIST_NAMES.reduce((s, name) => s + n + 1 + 2 * (m.nnz![name] ?? -1e9), 0));
  if (expected !== total) throw new CorruptModelError("model sizes do not match the manifest");

  const buffer = new Uint8Array(total);
  let pos = 0;
  for (const s of shards) {
    buffer.set(new Uint8Array(s!), pos);
    pos += s!.byteLength;
  }
  let at = 0;
  const u32 = (len: number) => new Uint32Array(buffer.buffer, (at += len) * 4 - len * 4, len);
  const f32 = (len: number) => new Float32Array(buffer.buffer, (at += len) * 4 - len * 4, len);
  const popularity = f32(n);
  const lists = {} as Record<ListName, NeighbourList>;
  for (const name of LIST_NAMES) {
    const nnz = m.nnz[name]!;
    const offsets = u32(n + 1);
    const idx = u32(nnz);
    const weight = f32(nnz);
    if (offsets[0] !== 0 || offsets[n] !== nnz) throw new CorruptModelError(`${name}: bad offsets`);
    for (let i = 0; i < n; i++)
      if (offsets[i + 1]! < offsets[i]!) throw new CorruptModelError(`${name}: bad offsets`);
    for (let p = 0; p < nnz; p++)
      if (idx[p]! >= n || !Number.isFinite(weight[p]!))
        throw new CorruptModelError(`${name}: bad neighbour`);
    lists[name] = { offsets, idx, weight };
  }
  return {
    version: m.version,
    createdAt: m.createdAt ?? 0,
    items: m.items,
    index: new Map(m.items.map((id, i) => [id, i])),
    lists,
    popularity,
    info: m.info ?? { easeItems: 0, pairs: 0 },
  };
}
