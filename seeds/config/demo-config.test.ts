import { readFileSync } from "node:fs";
import Mustache from "mustache";
import { describe, expect, it } from "vitest";
import {
  parseConfig,
  type PersonalizationConfig,
} from "../../workers/edge/decide/config-schema.ts";
import { decide, type SlotDecision } from "../../workers/edge/decide/decide.ts";
import { renderSlot } from "../../workers/edge/decide/render.ts";
import {
  context,
  demoItem,
  input,
  modeProfile,
  richInput,
} from "../../workers/edge/decide/test-fixtures.ts";
import { CATEGORIES } from "../catalog-specs.ts";
import { FAQ_IDS } from "../shop/faq-content.ts";
import { SLOTS } from "../shop/slots.ts";
import { demoConfigAt, shiftDate } from "./demo-config.ts";

const json = JSON.parse(readFileSync(new URL("./demo-config.json", import.meta.url), "utf8"));
const css = readFileSync(new URL("./vitrine.css", import.meta.url), "utf8");
const parsed = parseConfig(json);
if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
const config = parsed.config;
const variants = Object.entries(config.variants);

describe("demo config fits the demo shop", () => {
  it("has exactly the shop's slots, on the pages where the shop renders them", () => {
    expect(Object.keys(config.slots).sort()).toEqual(Object.keys(SLOTS).sort());
    for (const [id, slot] of Object.entries(config.slots)) {
      expect(slot.selector, id).toBe(`#${id}`);
      expect([...(slot.pageTypes ?? [])].sort(), id).toEqual(
        [...SLOTS[id as keyof typeof SLOTS].pages].sort(),
      );
    }
  });

  it("links only to FAQ anchors and categories that exist", () => {
    const categories = new Set<string>(CATEGORIES.map((c) => c.id));
    for (const [id, v] of variants) {
      for (const m of (v.template ?? "").matchAll(/href="\/faq#([^"]+)"/g)) {
        expect(FAQ_IDS, `${id}: /faq#${m[1]}`).toContain(m[1]);
      }
      for (const m of (v.template ?? "").matchAll(/href="\/c\/([a-z-]+)/g)) {
        expect(categories.has(m[1]!), `${id}: /c/${m[1]}`).toBe(true);
      }
    }
  });

  it("every {{data.x}} a template uses is defined by its variant", () => {
    for (const [id, v] of variants) {
      for (const m of (v.template ?? "").matchAll(/\{\{[#^/]?\s*data\.([A-Za-z_]+)/g)) {
        expect(Object.keys(v.data ?? {}), `${id} uses data.${m[1]}`).toContain(m[1]);
      }
    }
  });

  it("every vt- class the templates use is styled in vitrine.css", () => {
    const used = new Set<string>();
    for (const [, v] of variants) {
      for (const m of (v.template ?? "").matchAll(/class="([^"]*)"/g)) {
        for (const c of m[1]!.split(/\s+/)) if (c.startsWith("vt-")) used.add(c);
      }
    }
    expect(used.size).toBeGreaterThan(15);
    for (const c of used) expect(css, c).toMatch(new RegExp(`\\.${c}(?![\\w-])`));
  });

  it("maps all four buyer modes, and runs one experiment with a control arm", () => {
    for (const mode of ["methodical", "competitive", "humanistic", "spontaneous"]) {
      const own = variants.filter(([, v]) => JSON.stringify(v.when ?? {}).includes(`"${mode}"`));
      expect(own.length, mode).toBeGreaterThanOrEqual(2);
    }
    const running = Object.values(config.experiments).filter((e) => e.status === "running");
    expect(running).toHaveLength(1);
    expect(running[0]!.arms.some((a) => a.variant === null)).toBe(true);
    expect(config.holdout.percent).toBe(5);
  });
});

describe("every demo variant renders well-formed HTML", () => {
  const item = demoItem;
  const rich = richInput();
  const VOID = new Set(["img", "br", "hr", "input", "meta", "link", "source", "wbr"]);

  it.each(variants.map(([id]) => id))("%s", (id) => {
    const v = config.variants[id]!;
    const slot = config.slots[v.slot]!;
    const decision: SlotDecision = {
      slotId: v.slot,
      action: slot.action,
      attribute: slot.attribute ?? null,
      variantId: id,
      reason: "test",
      items: v.items ?? null,
      experiment: null,
    };
    const out = renderSlot(config, decision, {
      input: rich,
      product: item("p", 3),
      items: [item("a", 2), item("b", 40), item("c", 9)],
    });
    expect(out, "renders").not.toBeNull();
    const html = out!.html;
    expect(html).not.toMatch(/\{\{|\}\}|\(\)|undefined|null|\[object/);
    // Tags balance: a template typo must not leave the shop's layout open.
    const stack: string[] = [];
    for (const m of html.matchAll(/<(\/?)([a-z][a-z0-9]*)[^>]*>/g)) {
      const [, closing, tag] = m;
      if (VOID.has(tag!)) continue;
      if (!closing) stack.push(tag!);
      else expect(stack.pop(), `</${tag}> in ${id}`).toBe(tag);
    }
    expect(stack, id).toEqual([]);
    // Mustache tokens are checked at validation; re-parse to be sure nothing odd slipped in.
    expect(() => Mustache.parse(v.template!)).not.toThrow();
  });
});

describe("the demo config's dated campaign follows the day it is published", () => {
  const DAY = 86_400_000;
  for (const day of [Date.UTC(2025, 1, 28, 23), Date.UTC(2026, 11, 4, 9), Date.UTC(2029, 6, 1)]) {
    const iso = new Date(day).toISOString().slice(0, 10);
    it(`runs around ${iso}, and the moved config is valid`, () => {
      const moved = parseConfig(demoConfigAt(day));
      if (!moved.ok) throw new Error(moved.errors.join("\n"));
      expect(heroOn(moved.config, day)).toBe("gift-season");
      // Outside the campaign's month, the evergreen gift hero.
      expect(heroOn(moved.config, day + 60 * DAY)).toBe("gift-hero");
      expect(heroOn(moved.config, day - 30 * DAY)).toBe("gift-hero");
      const endsAt = Date.parse(String(moved.config.variants["gift-season"]!.data!.endsAt));
      expect(endsAt).toBeGreaterThan(day);
    });
  }

  it("moves day and instant values by whole days and leaves other text alone", () => {
    expect(shiftDate("2026-11-20", 13)).toBe("2026-12-03");
    expect(shiftDate("2026-12-20T23:59:00+01:00", -400)).toBe("2025-11-15T23:59:00+01:00");
    expect(shiftDate("next week", 3)).toBe("next week");
  });
});

/** The hero a gift buyer sees on the home page on `now`, by the engine's own decision. */
function heroOn(config: PersonalizationConfig, now: number): string | undefined {
  const decided = decide(
    config,
    input({
      visitorId: "gift-visitor",
      context: context({ now, pageType: "home" }),
      profile: modeProfile("methodical", { segments: ["gift_buyer"] }),
    }),
  );
  return decided.slots.find((s) => s.slotId === "hero")?.variantId;
}
