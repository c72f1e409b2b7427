import { describe, expect, it } from "vitest";
import { parseLog, parseTime, splitCsvLine } from "./log-adapters.ts";

describe("parseLog", () => {
  it("reads a transactional export: invoices are baskets, returns and anonymous lines are counted out", () => {
    const csv =
      "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n" +
      '489434,85048,"15CM CHRISTMAS GLASS BALL 20 LIGHTS",12,12/1/2009 7:45,6.95,13085.0,United Kingdom\n' +
      '489434,79323P,"PINK CHERRY LIGHTS, BOXED",12,12/1/2009 7:45,6.75,13085.0,United Kingdom\n' +
      "C489449,22087,PAPER BUNTING,-12,12/1/2009 10:33,2.95,16321.0,Australia\n" +
      "489464,21733,RED HANGING HEART,-96,12/1/2009 10:52,0,,United Kingdom\n" +
      "489465,21734,BLUE HANGING HEART,4,2009-12-01 10:52:00,0,,United Kingdom\n";
    const { events, dropped, format } = parseLog(csv, "retail.csv");
    expect(format).toBe("transactions");
    expect(dropped).toEqual({ noVisitor: 1, returns: 2 });
    const at = Date.UTC(2009, 11, 1, 7, 45);
    expect(events).toEqual([
      { visitor: "13085", item: "85048", at, level: 2, basket: "489434", session: null },
      { visitor: "13085", item: "79323P", at, level: 2, basket: "489434", session: null },
    ]);
  });

  it("reads an event log with types, transaction ids and sessions", () => {
    const csv =
      "timestamp,visitorid,event,itemid,transactionid\n" +
      "1433221332117,257597,view,355908,\n" +
      "1433221332118,257597,addtocart,355908,\n" +
      "1433221332119,257597,transaction,355908,4000\n";
    const { events, format } = parseLog(csv);
    expect(format).toBe("events");
    expect(events.map((e) => [e.level, e.basket])).toEqual([
      [0, null],
      [1, null],
      [2, "4000"],
    ]);
    const rees =
      "event_time,event_type,product_id,user_id,user_session\n" +
      "2019-10-01 00:00:00 UTC,cart,5773203,463240011,26dd6e6e\n";
    expect(parseLog(rees).events).toEqual([
      {
        visitor: "463240011",
        item: "5773203",
        at: Date.UTC(2019, 9, 1),
        level: 1,
        basket: null,
        session: "26dd6e6e",
      },
    ]);
  });

  it("names the line and field of a bad row, and the columns a header lacks", () => {
    expect(() =>
      parseLog("visitor_id,item_id,timestamp,event_type\nv1,p1,soon,view\n", "f.csv"),
    ).toThrow('f.csv:2: timestamp "soon" is not a time');
    expect(() =>
      parseLog("visitor_id,item_id,timestamp,event_type\nv1,p1,1,click\n", "f.csv"),
    ).toThrow('f.csv:2: event_type "click"');
    expect(() => parseLog("visitor_id,timestamp\n")).toThrow(/missing item_id/);
  });
});

describe("CSV fields and times", () => {
  it("keeps commas and quotes inside quoted fields", () => {
    expect(splitCsvLine('a,"b, c","say ""hi""",')).toEqual(["a", "b, c", 'say "hi"', ""]);
  });

  it("reads times without a zone as UTC, whatever the machine's zone", () => {
    expect(parseTime("12/9/2011 12:50")).toBe(Date.UTC(2011, 11, 9, 12, 50));
    expect(parseTime("2011-12-09 12:50:00")).toBe(Date.UTC(2011, 11, 9, 12, 50));
    expect(parseTime("2011-12-09T12:50:00+01:00")).toBe(Date.UTC(2011, 11, 9, 11, 50));
    expect(parseTime("1323435000")).toBe(1323435000000);
  });
});
