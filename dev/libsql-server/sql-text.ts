/**
 * How many SQL statements a string holds, for `execute` (exactly one, like sqld) without
 * running anything. A small SQLite tokenizer: string literals, quoted identifiers, comments and
 * trigger bodies (whose inner `;` do not end the statement) are skipped. Pure.
 */
export function countStatements(sql: string): number {
  let count = 0;
  let words: string[] = []; // leading keywords of the current statement
  let inTrigger = false;
  let triggerBody = false;
  let caseDepth = 0;
  let nonEmpty = false;
  let i = 0;
  const endStatement = () => {
    if (nonEmpty) count++;
    nonEmpty = false;
    words = [];
    inTrigger = triggerBody = false;
    caseDepth = 0;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'" || c === '"' || c === "`") {
      nonEmpty = true;
      i++;
      while (i < sql.length) {
        if (sql[i] === c && sql[i + 1] === c) i += 2;
        else if (sql[i] === c) break;
        else i++;
      }
      i++;
    } else if (c === "[") {
      nonEmpty = true;
      const end = sql.indexOf("]", i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === ";") {
      i++;
      if (!triggerBody) endStatement();
    } else if (/[A-Za-z_]/.test(c)) {
      nonEmpty = true;
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      const word = sql.slice(i, j).toUpperCase();
      i = j;
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
    } else {
      nonEmpty = true;
      i++;
    }
  }
  endStatement();
  return count;
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
