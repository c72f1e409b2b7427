/**
 * The visitor's Durable Object. Neither the id nor the stub is kept between calls: both belong
 * to the request (or object) that made them, and workerd refuses I/O through them from another
 * one ("Cannot perform I/O on behalf of a different request"), as the soak showed.
 */
export function visitorObject(env: Pick<Env, "VISITOR">, visitorId: string) {
  return env.VISITOR.get(env.VISITOR.idFromName(visitorId));
}
