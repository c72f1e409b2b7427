/**
 * Every key layout Vitrine uses in Workers KV, in one place. Versioned values are immutable;
 * a pointer names the version readers use and is flipped only after the version is written.
 */

/** `CONFIG`: published personalization configs. */
export const CONFIG_POINTER = "config:active";
export const configKey = (version: number) => `config:v:${version}`;

/** `PROFILES`: the hot copy of a visitor's profile, written by their Durable Object. */
export const profileKey = (visitorId: string) => `profile:${visitorId}`;

/** `MODELS`: rankings (bestsellers, top rated, trending, low stock) and product cards. */
export const RANKINGS_POINTER = "rankings:current";
export const rankingsKey = (version: string) => `rankings:v:${version}`;

/** `MODELS`: the recommendation model, a manifest and binary shards per version. */
export const MODEL_POINTER = "reco:current";
export const modelPrefix = (version: string) => `reco:v:${version}`;
export const manifestKey = (version: string) => `${modelPrefix(version)}:manifest`;
export const shardKey = (version: string, i: number) => `${modelPrefix(version)}:shard:${i}`;

/** `MODELS`: when a product page was last learned from, by a hash of its URL. */
export const learnedMarkerKey = (urlHash: string) => `learned:${urlHash}`;
