/** Names hashed to ids this isolate has seen: `idFromName` hashes on every call (~0.1 ms). */
const ids = new Map<string, DurableObjectId>();
const MAX_IDS = 10_000;

/**
 * The visitor's Durable Object. The id is derived from the name deterministically, so it is
 * kept per isolate; the stub is not (a stub belongs to the request that made it).
 */
export function visitorObject(env: Pick<Env, "VISITOR">, visitorId: string) {
  let id = ids.get(visitorId);
  if (!id) {
    if (ids.size >= MAX_IDS) ids.clear();
    id = env.VISITOR.idFromName(visitorId);
    ids.set(visitorId, id);
  }
  return env.VISITOR.get(id);
}
