import type { RequestContext } from "../model/context.ts";
import { channelOf } from "./channel.ts";
import { deviceClass } from "./device.ts";
import { matchPage, type PageRule } from "./page-rules.ts";

type CfGeo = { country?: string; region?: string; timezone?: string };

export type ContextInput = {
  url: URL;
  headers: Headers;
  cf?: CfGeo | null;
  rules?: PageRule[];
  isBot: boolean;
  now: number;
};

export type BuiltContext = { context: RequestContext; productSlug: string | null };

/** Everything the request itself says: device, place, channel, page. No stored data. */
export function buildRequestContext(input: ContextInput): BuiltContext {
  const { url, headers, cf, now } = input;
  const page = matchPage(url.pathname, input.rules);
  const source = channelOf(url, headers.get("referer"));
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v.slice(0, 200);
  return {
    context: {
      path: url.pathname + url.search,
      query,
      device: deviceClass(headers),
      isBot: input.isBot,
      country: cf?.country && cf.country !== "XX" ? cf.country : null,
      region: cf?.region ?? null,
      channel: source.channel,
      campaign: source.campaign,
      referrerHost: source.referrerHost,
      pageType: page.pageType,
      productId: null,
      categoryId: page.params.categoryId ?? null,
      now,
      localHour: localHour(now, cf?.timezone),
    },
    productSlug: page.params.productSlug ?? null,
  };
}

function localHour(now: number, timezone: string | undefined): number {
  if (timezone) {
    try {
      const hour = new Intl.DateTimeFormat("en-GB", {
        hour: "numeric",
        hourCycle: "h23",
        timeZone: timezone,
      }).format(now);
      const n = Number(hour);
      if (Number.isInteger(n)) return n;
    } catch {
      // unknown zone: fall back to UTC
    }
  }
  return new Date(now).getUTCHours();
}
