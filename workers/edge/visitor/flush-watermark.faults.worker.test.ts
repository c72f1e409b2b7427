import {
  env,
  evictDurableObject,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { and, count, eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { events } from "../../../schema/index.ts";
import * as clock from "../clock.ts";
import { createDb } from "../db/client.ts";
import { testEvent } from "../model/test-events.ts";
import { META } from "./session-storage.ts";

// The checks read Turso directly, past the fault proxy the Worker's flushes go through.
const direct = createDb({ tursoUrl: inject("directTursoUrl"), tursoAuthToken: "" });
const stubOf = (visitorId: string) => env.VISITOR.get(env.VISITOR.idFromName(visitorId));
const rowsOf = async (visitorId: string) =>
  (await direct.select({ n: count() }).from(events).where(eq(events.visitorId, visitorId)))[0]!.n;

const pageView = (id: string, slots: string[]) =>
  testEvent(id, "page_view", clock.now() - 1000, {
    sessionId: "s-watermark",
    path: "/p/one",
    pageType: "product",
    data: { slots: slots.map((slotId) => ({ slotId, variantId: `${slotId}-v` })), exposures: [] },
  });

describe("what waits for Turso", () => {
  it("sends a page view again when it is corrected after Turso has it, and only then", async () => {
    const visitorId = crypto.randomUUID();
    const stub = stubOf(visitorId);
    await stub.track(visitorId, [pageView("w1", ["hero"]), pageView("w2", [])]);
    await runDurableObjectAlarm(stub);
    expect(await stub.pending()).toBe(0);
    expect(await rowsOf(visitorId)).toBe(2);

    // The page showed another slot than planned: the record is corrected.
    await stub.recordView(visitorId, pageView("w1", ["recommendations"]));
    expect(await stub.pending()).toBe(1);
    await runDurableObjectAlarm(stub);
    expect(await stub.pending()).toBe(0);
    const [row] = await direct
      .select({ payload: events.payload })
      .from(events)
      .where(and(eq(events.visitorId, visitorId), eq(events.eventId, "w1")));
    expect(JSON.stringify(row!.payload)).toContain("recommendations");
    expect(await rowsOf(visitorId)).toBe(2);
    // Nothing is sent again after that.
    await stub.track(visitorId, [pageView("w3", [])]);
    expect(await stub.pending()).toBe(1);
  });

  it("takes over storage that marked each touchpoint flushed, skipping nothing Turso lacks", async () => {
    const visitorId = crypto.randomUUID();
    const stub = stubOf(visitorId);
    await stub.track(visitorId, [pageView("m0", [])]);
    // The object's storage as a per-row flag laid it out: rows 1-2 and 4 sent, row 3 not.
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE touchpoints");
      sql.exec("DELETE FROM meta WHERE key = ?", META.flushedThrough);
      sql.exec(`CREATE TABLE touchpoints (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, session_id TEXT,
        type TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL,
        flushed INTEGER NOT NULL DEFAULT 0, received_at INTEGER NOT NULL DEFAULT 0)`);
      sql.exec("CREATE INDEX touchpoints_unflushed ON touchpoints (flushed, seq)");
      ["m1", "m2", "m3", "m4"].forEach((id, i) => {
        const event = pageView(id, []);
        sql.exec(
          "INSERT INTO touchpoints (event_id, session_id, type, at, body, flushed) VALUES (?, ?, ?, ?, ?, ?)",
          id,
          event.sessionId,
          event.type,
          event.at,
          JSON.stringify(event),
          i === 2 ? 0 : 1,
        );
      });
    });
    // The next start moves it to the watermark: rows 3 and 4 wait (4 again, harmlessly).
    await evictDurableObject(stub);
    expect(await stub.pending()).toBe(2);
    await runInDurableObject(stub, (_instance, state) => {
      const columns = state.storage.sql
        .exec<{ name: string }>("PRAGMA table_info(touchpoints)")
        .toArray()
        .map((c) => c.name);
      expect(columns).toContain("resend");
      expect(columns).not.toContain("flushed");
    });
    await runDurableObjectAlarm(stub);
    expect(await stub.pending()).toBe(0);
    const sent = await direct
      .select({ id: events.eventId })
      .from(events)
      .where(eq(events.visitorId, visitorId));
    expect(sent.map((r) => r.id).sort()).toEqual(["m3", "m4"]);
  });
});
