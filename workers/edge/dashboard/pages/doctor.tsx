import { Hono, type Context } from "hono";
import { makePreviewLink, PreviewRequest, type PreviewLink } from "../../api/admin-preview.ts";
import { loadActiveConfig } from "../../config/config-store.ts";
import { reportSections } from "../../doctor/format-report.ts";
import type { DoctorReport } from "../../doctor/report.ts";
import { DoctorInput, runDoctor } from "../../doctor/run-doctor.ts";
import { ApiError, parseInput } from "../../errors.ts";
import { Layout } from "../layout.tsx";
import { href } from "../paths.ts";

type Env_ = { Bindings: Env };

export type DoctorPageProps = {
  url: string;
  cookie: string;
  report: DoctorReport | null;
  variants: { id: string; slot: string }[];
  preview: PreviewLink | null;
  error: string | null;
};

const MARK = { true: ["✓", "good"], false: ["✗", "bad"], null: ["–", "muted"] } as const;

const TTL_CHOICES: [number, string][] = [
  [3600, "1 hour"],
  [4 * 3600, "4 hours"],
  [24 * 3600, "24 hours"],
];

function Report(props: { report: DoctorReport }) {
  return (
    <div data-doctor-report>
      <p class="muted">
        What Vitrine sees on <code>{props.report.url}</code>
      </p>
      {reportSections(props.report).map((section) => (
        <div class="panel">
          <h2>{section.title}</h2>
          {section.lines.map((line) => {
            const [mark, cls] = MARK[String(line.ok) as keyof typeof MARK];
            return (
              <div>
                <span class={cls}>{mark}</span> {line.text}
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}

function PreviewLinks(props: { variants: DoctorPageProps["variants"]; path: string }) {
  if (props.variants.length === 0)
    return <p class="muted">No config is published: there is no variant to preview.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Variant</th>
          <th>Slot</th>
          <th>Make a preview link</th>
        </tr>
      </thead>
      <tbody>
        {props.variants.map((v) => (
          <tr>
            <td>
              <code>{v.id}</code>
            </td>
            <td>{v.slot}</td>
            <td>
              <form method="post" action={href("/doctor/preview")} class="inline">
                <input type="hidden" name="variant" value={v.id} />
                <input
                  type="text"
                  name="path"
                  value={props.path}
                  size={24}
                  aria-label="Path"
                />{" "}
                <select name="ttl" aria-label="Valid for">
                  {TTL_CHOICES.map(([seconds, label]) => (
                    <option value={String(seconds)}>{label}</option>
                  ))}
                </select>{" "}
                <button class="secondary" type="submit">
                  Make a preview link
                </button>
              </form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The doctor page: a URL in, the report out; preview links for QA, one per variant. */
export function DoctorPage(props: DoctorPageProps) {
  const path = pathOf(props.url);
  return (
    <Layout title="Page doctor" active="/doctor">
      <form method="post" action={href("/doctor")}>
        <label>
          Page: <input type="text" name="url" value={props.url} size={48} placeholder="/p/..." />
        </label>{" "}
        <label>
          Cookie header (optional):{" "}
          <input type="text" name="cookie" value={props.cookie} size={32} autocomplete="off" />
        </label>{" "}
        <button type="submit">Diagnose</button>
      </form>
      {props.error ? <p class="notice error">{props.error}</p> : null}
      {props.preview ? (
        <p class="notice" data-preview-link>
          Preview link for <code>{props.preview.variant}</code> (slot {props.preview.slot}), valid
          until {new Date(props.preview.expiresAt).toISOString()}:{" "}
          <a href={props.preview.url}>{props.preview.url}</a>
        </p>
      ) : null}
      {props.report ? <Report report={props.report} /> : null}
      <div class="panel">
        <h2>Preview links</h2>
        <p class="muted">
          A signed link that shows one variant in its slot, whatever the visitor, until it expires.
        </p>
        <PreviewLinks variants={props.variants} path={path} />
      </div>
    </Layout>
  );
}

function pathOf(url: string): string {
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return "/";
  }
}

const field = (form: Record<string, unknown>, name: string) =>
  typeof form[name] === "string" ? (form[name] as string) : "";

async function render(c: Context<Env_>, props: Partial<DoctorPageProps>, status: 200 | 400 = 200) {
  const active = await loadActiveConfig(c.env.CONFIG);
  const variants = Object.entries(active?.config.variants ?? {}).map(([id, v]) => ({
    id,
    slot: v.slot,
  }));
  const page = (
    <DoctorPage
      url={props.url ?? ""}
      cookie={props.cookie ?? ""}
      report={props.report ?? null}
      variants={variants}
      preview={props.preview ?? null}
      error={props.error ?? null}
    />
  );
  return c.html(page, status);
}

/** A bad form is the page again with the reason, not the API's JSON error. */
async function orMessage<T>(
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) return { ok: false, error: err.message };
    throw err;
  }
}

/**
 * The dashboard's doctor: GET `/` shows the form, POST `/` runs the doctor (the same report
 * as `npm run doctor`), POST `/preview` signs a preview link. Mounted under the dashboard's
 * auth and CSRF middleware at `/doctor`.
 */
export const doctorDashboard = new Hono<Env_>()
  .get("/", (c) => render(c, {}))
  .post("/", async (c) => {
    const form = await c.req.parseBody();
    const url = field(form, "url").trim();
    const cookie = field(form, "cookie").trim();
    const origin = new URL(c.req.url).origin;
    const result = await orMessage(() =>
      runDoctor(
        c.env,
        c.executionCtx,
        origin,
        parseInput(DoctorInput, { url, cookie: cookie || undefined }, "invalid_doctor"),
      ),
    );
    if (!result.ok) return render(c, { url, cookie, error: result.error }, 400);
    return render(c, { url, cookie, report: result.value });
  })
  .post("/preview", async (c) => {
    const form = await c.req.parseBody();
    const path = field(form, "path").trim();
    const input = {
      variant: field(form, "variant"),
      path: path || undefined,
      ttlSeconds: Number(field(form, "ttl")) || undefined,
    };
    const result = await orMessage(() =>
      makePreviewLink(
        c.env,
        new URL(c.req.url).origin,
        parseInput(PreviewRequest, input, "invalid_preview"),
      ),
    );
    if (!result.ok) return render(c, { url: path, error: result.error }, 400);
    return render(c, { url: path, preview: result.value });
  });
