import type { FeedParser } from "./types.ts";

/** Turns chunks of text into whole lines (LF or CRLF), each with its 1-based line number. */
export function lineSplitter(onLine: (text: string, line: number) => void): FeedParser {
  let rest = "";
  let line = 0;
  const emit = (text: string) => onLine(text.endsWith("\r") ? text.slice(0, -1) : text, ++line);
  return {
    write(chunk) {
      rest += chunk;
      let start = 0;
      for (let nl = rest.indexOf("\n"); nl !== -1; nl = rest.indexOf("\n", start)) {
        emit(rest.slice(start, nl));
        start = nl + 1;
      }
      rest = rest.slice(start);
    },
    end() {
      if (rest) emit(rest);
      rest = "";
    },
  };
}
