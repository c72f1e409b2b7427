/**
 * How many SQL statements a string holds, for `execute` (exactly one, like sqld) without
 * running anything. On `tokens`, so string literals, quoted identifiers and comments never end
 * one; nor do the `;` inside a trigger's BEGIN ... END body. Pure.
 */
export function countStatements(sql: string): number {
  let count = 0;
  let words: string[] = []; // leading keywords of the current statement
  let inTrigger = false;
  let triggerBody = false;
  let caseDepth = 0;
  let nonEmpty = false;
  for (const t of tokens(sql)) {
    if (t.kind === ";") {
      if (triggerBody) continue;
      if (nonEmpty) count++;
      nonEmpty = false;
      words = [];
      inTrigger = false;
      caseDepth = 0;
      continue;
    }
    nonEmpty = true;
    if (t.kind !== "word") continue;
    const word = t.text;
    if (words.length < 4) {
      words.push(word);
      const lead = words.filter((w) => w !== "TEMP" && w !== "TEMPORARY");
      if (lead[0] === "CREATE" && lead[1] === "TRIGGER") inTrigger = true;
    }
    if (inTrigger && !triggerBody && word === "BEGIN") triggerBody = true;
    else if (triggerBody && word === "CASE") caseDepth++;
    else if (triggerBody && word === "END") {
      if (caseDepth > 0) caseDepth--;
      else triggerBody = false;
    }
  }
  return nonEmpty ? count + 1 : count;
}

const WRITE_VERBS = new Set(["INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"]);

/**
 * Whether a statement's leading keywords say it writes (INSERT, CREATE, BEGIN IMMEDIATE...).
 * Only a hint, so a writer can join the write lock's queue the moment it arrives; the engine's
 * compiled program decides.
 */
export function looksLikeWrite(sql: string): boolean {
  const words = sql
    .replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)+/, "")
    .slice(0, 40)
    .toUpperCase()
    .split(/[^A-Z]+/);
  if (WRITE_VERBS.has(words[0]!)) return true;
  return words[0] === "BEGIN" && (words[1] === "IMMEDIATE" || words[1] === "EXCLUSIVE");
}

/** One token of an SQL statement, outside comments and whitespace. */
type Token = {
  /**
   * `word`: a keyword or bare name (upper-cased in `text`); `name`: a quoted identifier;
   * `param`: a parameter; `;`; or `other` (a literal, an operator, punctuation).
   */
  kind: "word" | "name" | "param" | ";" | "other";
  text: string;
  start: number;
  end: number;
  /** Parentheses open around it. */
  depth: number;
};

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** The tokens of an SQL string: just enough to see its top-level structure. Pure. */
function tokens(sql: string): Token[] {
  const out: Token[] = [];
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const start = i;
    let kind: Token["kind"] = "other";
    if (/\s/.test(c)) {
      i++;
      continue;
    } else if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? sql.length : nl + 1;
      continue;
    } else if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? sql.length : close + 2;
      continue;
    } else if (c === "'" || c === '"' || c === "`") {
      i++;
      while (i < sql.length) {
        if (sql[i] === c && sql[i + 1] === c) i += 2;
        else if (sql[i] === c) break;
        else i++;
      }
      i++;
      if (c !== "'") kind = "name";
    } else if (c === "[") {
      const close = sql.indexOf("]", i);
      i = close < 0 ? sql.length : close + 1;
      kind = "name";
    } else if (WORD_START.test(c)) {
      i++;
      while (i < sql.length && WORD_PART.test(sql[i]!)) i++;
      kind = "word";
    } else if (c === ":" || c === "@" || c === "$" || c === "?") {
      // A parameter: its name is not a keyword.
      i++;
      while (i < sql.length && WORD_PART.test(sql[i]!)) i++;
      kind = "param";
    } else {
      if (c === ")") depth--;
      i++;
      if (c === ";") kind = ";";
    }
    const text = sql.slice(start, Math.min(i, sql.length));
    out.push({ kind, text: kind === "word" ? text.toUpperCase() : text, start, end: i, depth });
    if (c === "(") depth++;
  }
  return out;
}

/**
 * The statement with every blob literal (`x'..'`) emptied, for EXPLAIN: the engine lists a
 * blob literal's bytes as text, and the `libsql` binding panics on text that is not UTF-8.
 * Parameters and what the statement writes stay the same. Pure.
 */
export function withoutBlobLiterals(sql: string): string {
  const toks = tokens(sql);
  let out = "";
  let at = 0;
  toks.forEach((t, i) => {
    const next = toks[i + 1];
    if (t.text !== "X" || next?.start !== t.end || !next.text.startsWith("'")) return;
    out += sql.slice(at, next.start) + "''";
    at = next.end;
  });
  return at === 0 ? sql : out + sql.slice(at);
}

/** The statement without its trailing `;`, whitespace and comments. */
function trimmed(sql: string, toks: Token[]): string {
  const last = toks.findLast((t) => t.kind !== ";");
  return last ? sql.slice(0, last.end) : "";
}

/** Where a query's parts are, for rewriting it as a subquery (nul-text.ts). */
export type QueryShape = {
  /** The statement without its trailing `;`, whitespace and comments. */
  body: string;
  /** Where its main SELECT or VALUES starts (after any WITH clause). */
  mainAt: number;
  /** Whether the main query is compound (UNION, INTERSECT, EXCEPT at the top level). */
  compound: boolean;
};

const QUERY_STARTS = new Set(["SELECT", "VALUES"]);
const DML_STARTS = new Set(["INSERT", "UPDATE", "DELETE", "REPLACE"]);
const COMPOUND_OPERATORS = new Set(["UNION", "INTERSECT", "EXCEPT"]);

/**
 * The shape of one statement that is a query (SELECT or VALUES, with or without a WITH
 * clause), or null for anything else (PRAGMA, EXPLAIN, INSERT ... RETURNING, a WITH clause
 * before a write). Only what sits outside parentheses, strings and comments counts. Pure.
 */
export function queryShape(sql: string): QueryShape | null {
  const toks = tokens(sql).filter((t) => t.kind !== ";");
  const first = toks[0];
  if (first?.kind !== "word" || (first.text !== "WITH" && !QUERY_STARTS.has(first.text)))
    return null;
  const top = toks.filter((t) => t.depth === 0 && t.kind === "word");
  const main = top.findIndex((t) => QUERY_STARTS.has(t.text) || DML_STARTS.has(t.text));
  if (main < 0 || DML_STARTS.has(top[main]!.text)) return null;
  return {
    body: trimmed(sql, toks),
    mainAt: top[main]!.start,
    compound: top.slice(main).some((t) => COMPOUND_OPERATORS.has(t.text)),
  };
}

/** A write's RETURNING clause, for adding a column to it (nul-text.ts). */
export type ReturningShape = {
  /** The statement without its trailing `;`, whitespace and comments. */
  body: string;
  /**
   * What each returned column is, as SQL: the column names written in the clause, or null
   * when it returns `*` (every column of the table, in order).
   */
  items: string[] | null;
};

/**
 * The RETURNING clause of an INSERT, UPDATE, DELETE or REPLACE, when it returns `*` or a list
 * of plain column names; null for any other statement or clause (expressions, aliases). Pure.
 */
export function returningShape(sql: string): ReturningShape | null {
  const toks = tokens(sql).filter((t) => t.kind !== ";");
  const first = toks[0];
  if (first?.kind !== "word" || (first.text !== "WITH" && !DML_STARTS.has(first.text))) return null;
  const at = toks.findIndex((t) => t.depth === 0 && t.kind === "word" && t.text === "RETURNING");
  if (at < 0) return null;
  const clause = toks.slice(at + 1);
  if (clause.length === 1 && clause[0]!.text === "*")
    return { body: trimmed(sql, toks), items: null };
  const items: string[] = [];
  for (let i = 0; i < clause.length; i += 2) {
    const item = clause[i]!;
    if (item.kind !== "word" && item.kind !== "name") return null;
    if (i + 1 < clause.length && clause[i + 1]!.text !== ",") return null;
    items.push(sql.slice(item.start, item.end));
  }
  return items.length ? { body: trimmed(sql, toks), items } : null;
}
