import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { expect } from "vitest";
import type { MerchModel } from "../catalog/lists.ts";
import { forgetMerchModel } from "../catalog/model-store.ts";
import { forgetActiveConfig } from "../config/config-store.ts";
import worker from "../index.ts";
import type { Profile } from "../model/profile.ts";
import { profileKey } from "../personalize/profile-store.ts";
import { RANKINGS_POINTER, rankingsKey } from "../scheduled/publish-rankings.ts";
import { ADMIN, call } from "./requests.ts";
import { profile as testProfile } from "../decide/test-fixtures.ts";
import * as clock from "../clock.ts";

/** Publishes a config through the admin API (as the CLI does) and makes this isolate see it. */
export async function publishConfig(config: unknown): Promise<number> {
  const res = await call("/__vitrine/v1/admin/config", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  expect(res.status, res.text).toBe(201);
  forgetActiveConfig();
  return (JSON.parse(res.text) as { version: number }).version;
}

/** A minimal valid config: `slots` and `variants` as given, everything else neutral. */
export function configWith(
  slots: Record<string, unknown>,
  variants: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    version: 1,
    enabled: true,
    holdout: { percent: 0, salt: "security-suite" },
    defaults: { currency: "EUR", locale: "en-IE", freeDeliveryThresholdCents: 5000 },
    slots,
    variants,
    ...extra,
  };
}

export function profileOf(visitorId: string, extra: Partial<Profile> = {}): Profile {
  return testProfile({ visitorId, updatedAt: clock.now(), valueTier: "none", ...extra });
}

export async function putProfile(profile: Profile): Promise<void> {
  await env.PROFILES.put(profileKey(profile.visitorId), JSON.stringify(profile));
}

/** Runs the rankings cron (Turso -> KV MODELS) and returns the model it published. */
export async function publishModel(): Promise<MerchModel> {
  const ctx = createExecutionContext();
  await worker.scheduled(
    createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  forgetMerchModel();
  const version = await env.MODELS.get(RANKINGS_POINTER);
  const model = await env.MODELS.get<MerchModel>(rankingsKey(version!), "json");
  expect(model?.bestsellers.length).toBeGreaterThan(0);
  return model!;
}

/** Writes a model version (any value, even a broken one) and flips the pointer to it. */
export async function putModel(version: string, value: string): Promise<void> {
  await env.MODELS.put(rankingsKey(version), value);
  await env.MODELS.put(RANKINGS_POINTER, version);
  forgetMerchModel();
}

export const stubOf = (visitorId: string) => env.VISITOR.get(env.VISITOR.idFromName(visitorId));

/** The `vt_*` Set-Cookie values of a response, by name (signed values, as sent). */
export function vitrineCookies(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of headers.getSetCookie()) {
    const m = /^(vt_[a-z]+)=([^;]*)/.exec(line);
    if (m) out[m[1]!] = decodeURIComponent(m[2]!);
  }
  return out;
}
