import { LIST_NAMES, type ListName, type ModelInfo, type RecoModel } from "./model.ts";
import type { NeighbourList } from "./neighbours.ts";

/**
 * Wire format of a published model: a small JSON manifest (sizes, metrics) and one binary
 * buffer of typed arrays, cut into shards below KV's 25 MiB value limit. The edge reads the
 * model where it lies: loading is a few size checks and typed-array views (microseconds, no
 * copy for a one-shard model), and ids are decoded and looked up one at a time, as scoring
 * reaches them, through a hash table stored with the model.
 *
 * Buffer layout (4-byte words, little-endian as typed arrays are on every Workers host):
 *   popularity f32[n]; per list in LIST_NAMES order: offsets u32[n+1], idx u32[nnz],
 *   weight f32[nnz]; then idStarts u32[n+1] (byte offsets into the id bytes); the id table
 *   u32[slots] (open addressing by idHash, 0 = empty, else item + 1); the ids as UTF-8 bytes,
 *   padded to a whole word.
 */
export const FORMAT = 2;
/** One shard holds a 10k-item model (~5 MiB) whole, so loading it copies nothing. */
export const DEFAULT_SHARD_BYTES = 16 << 20;

export type Manifest = {
  format: typeof FORMAT;
  version: string;
  createdAt: number;
  /** Number of items. */
  items: number;
  nnz: Record<ListName, number>;
  /** Bytes of the ids, UTF-8. */
  idBytes: number;
  /** Slots in the id table (a power of two, at least twice the items). */
  slots: number;
  byteLength: number;
  shards: number;
  info: ModelInfo;
  /** Offline quality and run facts, for the record. */
  metrics: Record<string, number>;
};

export type Encoded = { manifest: Manifest; shards: ArrayBuffer[] };

/** FNV-1a over the id's UTF-16 code units: the same on both sides, and no encoding needed. */
function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** At most half full, so a lookup probes one or two slots. */
function slotCount(n: number): number {
  let slots = 2;
  while (slots < 2 * n) slots *= 2;
  return slots;
}

const words = (bytes: number) => Math.ceil(bytes / 4);

function sizeInWords(n: number, nnz: Record<ListName, number>, slots: number, idBytes: number) {
  return (
    n +
    LIST_NAMES.reduce((s, name) => s + n + 1 + 2 * nnz[name], 0) +
    n +
    1 +
    slots +
    words(idBytes)
  );
}

export function encodeModel(
  model: RecoModel,
  metrics: Record<string, number> = {},
  shardBytes = DEFAULT_SHARD_BYTES,
): Encoded {
  const n = model.size;
  const nnz = Object.fromEntries(
    LIST_NAMES.map((name) => [name, model.lists[name].idx.length]),
  ) as Record<ListName, number>;
  const encoder = new TextEncoder();
  const ids = Array.from({ length: n }, (_, i) => model.idOf(i)!);
  const bytes = ids.map((id) => encoder.encode(id));
  const idBytes = bytes.reduce((s, b) => s + b.length, 0);
  const slots = slotCount(n);

  const buffer = new ArrayBuffer(sizeInWords(n, nnz, slots, idBytes) * 4);
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
  const starts = new Uint32Array(n + 1);
  bytes.forEach((b, i) => (starts[i + 1] = starts[i]! + b.length));
  put(starts);
  const table = new Uint32Array(slots);
  ids.forEach((id, i) => {
    let s = idHash(id) & (slots - 1);
    while (table[s]) s = (s + 1) & (slots - 1);
    table[s] = i + 1;
  });
  put(table);
  const text = new Uint8Array(buffer, at * 4, idBytes);
  bytes.forEach((b, i) => text.set(b, starts[i]));

  const shards: ArrayBuffer[] = [];
  for (let from = 0; from < buffer.byteLength; from += shardBytes)
    shards.push(buffer.slice(from, Math.min(buffer.byteLength, from + shardBytes)));
  if (shards.length === 0) shards.push(new ArrayBuffer(0));
  return {
    manifest: {
      format: FORMAT,
      version: model.version,
      createdAt: model.createdAt,
      items: n,
      nnz,
      idBytes,
      slots,
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

const count = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/**
 * A model over its manifest and shards, as stored. Refuses what the sizes show to be missing,
 * truncated or mixed up; entries themselves are checked as they are read (see eachNeighbour),
 * or all at once by verifyModel where a full pass is affordable (rollback).
 */
export function decodeModel(manifest: unknown, shards: readonly (ArrayBuffer | null)[]): RecoModel {
  const m = manifest as Partial<Manifest> | null;
  if (!m || m.format !== FORMAT) throw new CorruptModelError("unknown model format");
  if (typeof m.version !== "string" || !m.nnz)
    throw new CorruptModelError("manifest is incomplete");
  const n = m.items;
  const nnz = m.nnz;
  if (!count(n) || !LIST_NAMES.every((name) => count(nnz[name])))
    throw new CorruptModelError("manifest sizes are invalid");
  if (!count(m.idBytes) || !count(m.slots) || m.slots < 2 * n || (m.slots & (m.slots - 1)) !== 0)
    throw new CorruptModelError("manifest id table is invalid");
  if (shards.length !== m.shards || shards.some((s) => !(s instanceof ArrayBuffer)))
    throw new CorruptModelError("model shards are missing");
  const total = shards.reduce((s, b) => s + b!.byteLength, 0);
  if (total !== m.byteLength) throw new CorruptModelError("model shards do not add up");
  if (total !== 4 * sizeInWords(n, nnz, m.slots, m.idBytes))
    throw new CorruptModelError("model sizes do not match the manifest");

  const buffer = shards.length === 1 ? shards[0]! : joined(shards as ArrayBuffer[], total);
  let at = 0;
  const u32 = (len: number) => new Uint32Array(buffer, (at += len) * 4 - len * 4, len);
  const f32 = (len: number) => new Float32Array(buffer, (at += len) * 4 - len * 4, len);
  const popularity = f32(n);
  const lists = {} as Record<ListName, NeighbourList>;
  for (const name of LIST_NAMES)
    lists[name] = { offsets: u32(n + 1), idx: u32(nnz[name]), weight: f32(nnz[name]) };
  const starts = u32(n + 1);
  const table = u32(m.slots);
  const text = new Uint8Array(buffer, at * 4, m.idBytes);
  const mask = m.slots - 1;

  const decoder = new TextDecoder();
  const seen = new Map<number, string>();
  const idOf = (i: number): string | undefined => {
    if (!(i >= 0 && i < n)) return undefined;
    let id = seen.get(i);
    if (id !== undefined) return id;
    const from = starts[i]!;
    const to = starts[i + 1]!;
    if (!(from <= to && to <= text.length)) return undefined;
    id = decoder.decode(text.subarray(from, to));
    seen.set(i, id);
    return id;
  };
  const indexOf = (id: string): number | undefined => {
    let s = idHash(id) & mask;
    // A slot's item is compared by its id, so a damaged table can only miss, never mislead.
    for (let probe = 0; probe <= mask; probe++, s = (s + 1) & mask) {
      const v = table[s]!;
      if (v === 0) return undefined;
      if (idOf(v - 1) === id) return v - 1;
    }
    return undefined;
  };
  return {
    version: m.version,
    createdAt: m.createdAt ?? 0,
    size: n,
    idOf,
    indexOf,
    lists,
    popularity,
    info: m.info ?? { easeItems: 0, pairs: 0 },
  };
}

function joined(shards: ArrayBuffer[], total: number): ArrayBuffer {
  const buffer = new Uint8Array(total);
  let pos = 0;
  for (const s of shards) {
    buffer.set(new Uint8Array(s), pos);
    pos += s.byteLength;
  }
  return buffer.buffer;
}

/**
 * Every entry of a model checked, one pass over all of it: neighbour lists well formed, every
 * weight and popularity a number, every id found again under its own number. For rollback,
 * which must never point the edge at a damaged model; too slow for a request.
 */
export function verifyModel(model: RecoModel): void {
  const n = model.size;
  for (const name of LIST_NAMES) {
    const { offsets, idx, weight } = model.lists[name];
    if (offsets.length !== n + 1 || offsets[0] !== 0 || offsets[n] !== idx.length)
      throw new CorruptModelError(`${name}: bad offsets`);
    for (let i = 0; i < n; i++)
      if (offsets[i + 1]! < offsets[i]!) throw new CorruptModelError(`${name}: bad offsets`);
    for (let p = 0; p < idx.length; p++)
      if (idx[p]! >= n || !Number.isFinite(weight[p]!))
        throw new CorruptModelError(`${name}: bad neighbour`);
  }
  if (!model.popularity.every(Number.isFinite)) throw new CorruptModelError("bad popularity");
  for (let i = 0; i < n; i++) {
    const id = model.idOf(i);
    if (id === undefined || model.indexOf(id) !== i) throw new CorruptModelError(`bad id ${i}`);
  }
}
