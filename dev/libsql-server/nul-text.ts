import { queryShape, returningShape } from "./sql-text.ts";

/**
 * Text values that contain a NUL character, or that are not valid UTF-8, read back whole.
 *
 * The `libsql` binding converts every text value it reads into a Rust `String` through a C
 * string (`CStr::from_ptr(..).to_str().unwrap()` in libsql's `From<libsql_sys::Value> for
 * Value`), so a text value ends at its first NUL, and text that is not UTF-8 makes it panic
 * (which aborts its process); blobs are copied with their length. It has no way to read a text
 * value's bytes. So a statement that returns rows is rewritten to return one more column, NULL
 * unless some text value of the row needs reading as bytes, and then saying which:
 *
 * - a query (`SELECT`, `VALUES`, `WITH`) returns such a value as a blob (its bytes) in its own
 *   column: text holding a NUL, and any text beyond ASCII (SQL cannot tell valid UTF-8 from
 *   invalid cheaply). The marker (`=`, from `typeof` only) lists the row's real blobs, so
 *   every other blob is decoded as text; invalid UTF-8 as sqld does
 *   (`String::from_utf8_lossy`): each bad sequence becomes U+FFFD.
 * - a RETURNING clause cannot have its columns changed, so the marker lists each text value
 *   holding a NUL with its bytes in hex (`i:hex `). Text that is not UTF-8 still crashes
 *   the engine there, which the server survives (engine-pool.ts).
 *
 * A query pays a `typeof`, a `length` and a GLOB per ASCII text value and a `typeof` per
 * value; a RETURNING clause a `typeof` and an `instr` per value. Pure: builds the SQL and
 * repairs the rows.
 */

const CTE = "vitrine_nul_rows";
const column = (i: number) => `vitrine_c${i}`;
const hasNul = (c: string) => `(typeof(${c}) = 'text' AND instr(${c}, char(0)) > 0)`;
/** GLOB for "has a character beyond ASCII"; it reads each bad UTF-8 sequence as one. */
const NON_ASCII = `'*[^' || char(1) || '-' || char(127) || ']*'`;
/**
 * Text with a NUL or any byte over 0x7F: `length()` stops at a NUL (and skips UTF-8
 * continuation bytes, so most non-ASCII text is caught without the slower GLOB).
 */
const needsBytes = (c: string) =>
  `(typeof(${c}) = 'text' AND (length(${c}) <> octet_length(${c}) OR ${c} GLOB ${NON_ASCII}))`;

/** Terms joined as a balanced tree: a wide row stays within SQLite's expression depth limit. */
function balanced(terms: string[], op: string): string {
  if (terms.length === 1) return terms[0]!;
  const mid = terms.length >> 1;
  return `(${balanced(terms.slice(0, mid), op)} ${op} ${balanced(terms.slice(mid), op)})`;
}

/**
 * A query's extra column: `=`, then `i ` for each of the row's values that is a blob in the
 * query itself (so every other blob in the row is text returned as bytes). Typeof only.
 */
function queryMarker(items: string[]): string {
  const isBlob = (c: string) => `typeof(${c}) = 'blob'`;
  const listed = items.map((c, i) => `CASE WHEN ${isBlob(c)} THEN '${i} ' ELSE '' END`);
  return `CASE WHEN ${balanced(items.map(isBlob), "OR")} THEN '=' || ${balanced(listed, "||")} ELSE '=' END`;
}

/** RETURNING's extra column: NULL, or `i:hex ` for each text value that holds a NUL. */
function marker(items: string[]): string {
  const listed = items.map(
    (c, i) => `CASE WHEN ${hasNul(c)} THEN '${i}:' || hex(${c}) || ' ' ELSE '' END`,
  );
  return `CASE WHEN ${balanced(items.map(hasNul), "OR")} THEN ${balanced(listed, "||")} END`;
}

const quoteName = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The statement rewritten to return the marker column after its own, or null when it cannot
 * be (PRAGMA, EXPLAIN, a RETURNING clause with expressions): those run as they are. A query
 * becomes a subquery; a write gets the column added to its RETURNING clause. The rewrite adds
 * no parameters, so the statement's arguments bind to it unchanged.
 */
export function nulSafeQuery(sql: string, columnNames: string[]): string | null {
  if (columnNames.length === 0) return null;
  const returning = returningShape(sql);
  if (returning) {
    const items = returning.items ?? columnNames.map(quoteName);
    return items.length === columnNames.length ? `${returning.body}, ${marker(items)}` : null;
  }
  const shape = queryShape(sql);
  if (!shape) return null;
  const cols = columnNames.map((_, i) => column(i));
  let body = shape.body;
  if (shape.compound || /^values\b/i.test(body.slice(shape.mainAt))) {
    // A compound subquery applies its first SELECT's column affinity to every row (so
    // `SELECT real_col ... UNION ALL SELECT 7` would give 7.0): an empty first SELECT of
    // NULLs has none, and changes neither the rows, their order nor the collation used.
    const nulls = cols.map((c) => `NULL AS ${c}`).join(", ");
    const empty = `SELECT ${nulls} WHERE 0 UNION ALL `;
    body = body.slice(0, shape.mainAt) + empty + body.slice(shape.mainAt);
  }
  const list = cols.join(", ");
  const values = cols.map(
    (c) => `CASE WHEN ${needsBytes(c)} THEN CAST(${c} AS BLOB) ELSE ${c} END`,
  );
  return `WITH ${CTE}(${list}) AS (\n${body}\n) SELECT ${values.join(", ")}, ${queryMarker(cols)} FROM ${CTE}`;
}

/** The database's text encoding, as `PRAGMA encoding` names it. */
export type TextEncoding = "UTF-8" | "UTF-16le" | "UTF-16be";

function decodeText(bytes: Buffer, encoding: TextEncoding): string {
  if (encoding === "UTF-16le") return bytes.toString("utf16le");
  if (encoding === "UTF-16be") return Buffer.from(bytes).swap16().toString("utf16le");
  return bytes.toString("utf8");
}

/**
 * The rows of a statement run with `nulSafeQuery`, with the marker column removed and every
 * text value read as bytes (or listed in hex) replaced by the whole text. Rows are changed in
 * place.
 */
export function restoreNulText(rows: unknown[][], encoding: TextEncoding): unknown[][] {
  for (const row of rows) {
    const marker = row.pop();
    if (typeof marker !== "string") continue;
    if (marker.startsWith("=")) {
      // A query's row: a blob not listed as one is text.
      const blobs = marker.length > 1 ? new Set(marker.slice(1, -1).split(" ").map(Number)) : null;
      for (let i = 0; i < row.length; i++)
        if (Buffer.isBuffer(row[i]) && !blobs?.has(i))
          row[i] = decodeText(row[i] as Buffer, encoding);
      continue;
    }
    for (const item of marker.split(" ")) {
      const colon = item.indexOf(":");
      if (colon < 0) continue;
      row[Number(item.slice(0, colon))] = decodeText(
        Buffer.from(item.slice(colon + 1), "hex"),
        encoding,
      );
    }
  }
  return rows;
}
