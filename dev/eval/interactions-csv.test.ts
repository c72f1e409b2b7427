import { describe, expect, it } from "vitest";
import { parseInteractions, toCsv } from "./interactions-csv.ts";

describe("parseInteractions", () => {
  it("reads Vitrine's format with levels and millisecond, second and ISO timestamps", () => {
    const csv =
      "visitor_id,item_id,timestamp,event_type\n" +
      "v1,p1,1761955200000,product_view\n" +
      "v1,p2,1761955260,add_to_cart\n" +
      "v2,p1,2025-11-01T00:00:00Z,purchase\n";
    expect(parseInteractions(csv)).toEqual([
      { visitor: "v1", item: "p1", at: 1761955200000, level: 0 },
      { visitor: "v1", item: "p2", at: 1761955260000, level: 1 },
      { visitor: "v2", item: "p1", at: Date.UTC(2025, 10, 1), level: 2 },
    ]);
  });

  it("reads a MovieLens ratings file as views", () => {
    const rows = parseInteractions("userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n");
    expect(rows).toEqual([{ visitor: "1", item: "31", at: 1260759144000, level: 0 }]);
  });

  it("names the missing column or the bad line and field", () => {
    expect(() => parseInteractions("visitor_id,timestamp\nv,1\n", "x.csv")).toThrow(
      "x.csv: header must name visitor_id,item_id,timestamp[,event_type] (missing item_id)",
    );
    expect(() =>
      parseInteractions("visitor_id,item_id,timestamp\nv,p,yesterday\n", "x.csv"),
    ).toThrow('x.csv:2: timestamp "yesterday" is not a time');
    expect(() => parseInteractions("visitor_id,item_id,timestamp\n,p,1\n", "x.csv")).toThrow(
      "x.csv:2: visitor_id is empty",
    );
  });

  it("round-trips what it writes", () => {
    const csv = toCsv([{ visitor: "v", item: "p", at: 5_000_000_000_000, type: "purchase" }]);
    expect(parseInteractions(csv)).toEqual([
      { visitor: "v", item: "p", at: 5_000_000_000_000, level: 2 },
    ]);
  });
});
