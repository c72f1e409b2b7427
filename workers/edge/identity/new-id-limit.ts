/** How long a caller over the new-id limit should wait (the limiter's period). */
export const NEW_ID_RETRY_AFTER_S = 60;

/**
 * Whether this address may mint one more visitor id now: every new id is a Durable Object and
 * stored page views, so pages, the consent call, the decision API and the events API all count
 * against one per-address budget (the `EVENTS_BY_IP` limiter). A limiter that fails lets the
 * id through: personalization fails open.
 */
export async function mayMintVisitorId(env: Env, headers: Headers): Promise<boolean> {
  const ip = headers.get("cf-connecting-ip") ?? "unknown";
  try {
    return (await env.EVENTS_BY_IP.limit({ key: ip })).success;
  } catch (err) {
    console.warn(JSON.stringify({ msg: "new-id limiter failed", error: String(err) }));
    return true;
  }
}
