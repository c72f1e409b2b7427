import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SafeHtml } from "./html.ts";

/** Cache policies: anonymous catalog pages are shareable briefly; anything about a visitor never. */
export const CACHE = {
  catalog: "public, max-age=60",
  private: "private, no-store",
  asset: "public, max-age=31536000, immutable",
  image: "public, max-age=86400",
} as const;

export type Reply = {
  status: number;
  contentType: string;
  cacheControl: string;
  body: string | Buffer;
  headers?: Record<string, string | string[]>;
  /** Send a strong ETag and answer a matching If-None-Match with 304. */
  etag?: boolean;
};

export const HTML = "text/html; charset=utf-8";

export function htmlReply(
  body: SafeHtml,
  cacheControl: string,
  status = 200,
  headers?: Reply["headers"],
): Reply {
  return {
    status,
    contentType: HTML,
    cacheControl,
    body: body.value,
    ...(headers ? { headers } : {}),
  };
}

/** 303 See Other: after a form POST the browser GETs `location`. */
export function redirect(location: string, headers: Reply["headers"] = {}): Reply {
  return {
    status: 303,
    contentType: "text/plain; charset=utf-8",
    cacheControl: CACHE.private,
    body: `See ${location}\n`,
    headers: { location, ...headers },
  };
}

export function etagOf(body: string | Buffer): string {
  return `"${createHash("sha1").update(body).digest("base64url").slice(0, 22)}"`;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === "*" || t === etag);
}

/** Writes `reply`; HEAD gets the same headers without a body. */
export function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  const body = typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : reply.body;
  const headers: Record<string, string | string[] | number> = {
    "content-type": reply.contentType,
    "cache-control": reply.cacheControl,
    "x-content-type-options": "nosniff",
    ...reply.headers,
  };
  if (reply.etag && reply.status === 200) {
    const etag = etagOf(body);
    headers.etag = etag;
    if (matches(req.headers["if-none-match"], etag)) {
      delete headers["content-type"];
      res.writeHead(304, headers);
      res.end();
      return;
    }
  }
  headers["content-length"] = body.length;
  res.writeHead(reply.status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const FORM_LIMIT = 64 * 1024;

/** The string fields of a urlencoded or multipart form body (at most 64 KiB). */
export async function readForm(req: IncomingMessage): Promise<Map<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > FORM_LIMIT) throw new HttpError(413, "Form too large");
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  const fields = new Map<string, string>();
  if (type.startsWith("application/x-www-form-urlencoded") || type === "") {
    for (const [k, v] of new URLSearchParams(body.toString("utf8")))
      if (!fields.has(k)) fields.set(k, v);
    return fields;
  }
  if (type.startsWith("multipart/form-data")) {
    const form = await new Request("http://shop.local/", {
      method: "POST",
      headers: { "content-type": type },
      body,
    })
      .formData()
      .catch(() => {
        throw new HttpError(400, "Malformed form");
      });
    for (const [k, v] of form) if (typeof v === "string" && !fields.has(k)) fields.set(k, v);
    return fields;
  }
  throw new HttpError(
    415,
    "Send the form as application/x-www-form-urlencoded or multipart/form-data",
  );
}
