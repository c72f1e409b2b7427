import { Hono, type Context } from "hono";
import {
  personaPreview,
  PersonaPreviewRequest,
  personaRequestOf,
  type PersonaPreview,
} from "../../api/admin-persona.ts";
import { loadActiveConfig } from "../../config/config-store.ts";
import {
  CHANNELS,
  DEVICE_CLASSES,
  LIFECYCLES,
  PAGE_TYPES,
  VALUE_TIERS,
} from "../../decide/fields.ts";
import { BUYER_MODES, JOURNEY_STAGES } from "../../model/profile.ts";
import { ApiError } from "../../errors.ts";
import { previewConfig } from "../../personalize/persona-preview.ts";
import { SEGMENTS } from "../../profile/build.ts";
import { allows } from "../../users/roles.ts";
import { principalOf } from "../auth.ts";
import { Layout } from "../layout.tsx";
import { href } from "../paths.ts";

type Env_ = { Bindings: Env };

/** The two personas compared side by side; the form's field names are `a.device`, `b.device`... */
const SIDES = ["a", "b"] as const;
type Side = (typeof SIDES)[number];

/** What the form sent for one persona, kept as typed to show it again. */
type PersonaForm = Record<string, string | string[]>;

const CSS = `.personas{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
.persona label{display:inline-block;min-width:200px;margin:3px 8px 3px 0}.persona label span{display:block;font-size:12px;color:var(--muted)}
.persona select,.persona input[type=number],.persona input[type=date],.persona input[type=text]{width:190px}
.checks label{min-width:0}.preview iframe{width:100%;height:560px;border:1px solid var(--line);border-radius:6px;background:#fff}
td.won{color:#047857;font-weight:600}td.out{color:var(--muted)}table.why{table-layout:fixed}table.why td{overflow-wrap:anywhere}
table.why th:nth-child(1){width:21%}table.why th:nth-child(2){width:25%}table.why th:nth-child(3){width:18%}`;

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SELECTS: [name: string, label: string, values: readonly string[]][] = [
  ["buyerMode", "Buyer mode", BUYER_MODES],
  ["journeyStage", "Journey stage", JOURNEY_STAGES],
  ["lifecycle", "Lifecycle", LIFECYCLES],
  ["valueTier", "Value tier", VALUE_TIERS],
  ["device", "Device", DEVICE_CLASSES],
  ["channel", "Channel", CHANNELS],
  ["pageType", "Page type (default: from the URL rules)", PAGE_TYPES],
  ["consent", "Personalization consent", ["yes", "no"]],
  ["localHour", "Local hour", Array.from({ length: 24 }, (_, h) => String(h))],
];
const NUMBERS: [name: string, label: string][] = [
  ["visitCount", "Visits so far"],
  ["orderCount", "Orders so far"],
  ["pageViews", "Page views this session"],
  ["cartItems", "Cart items"],
  ["cartValueCents", "Cart value (cents)"],
];

const one = (form: PersonaForm, name: string) => {
  const v = form[name];
  return typeof v === "string" ? v : "";
};

function PersonaFields(props: { side: Side; form: PersonaForm; variants: string[] }) {
  const { side, form } = props;
  const segments = new Set([form.segments ?? []].flat());
  return (
    <fieldset class="panel persona" data-persona={side}>
      <legend>Persona {side.toUpperCase()}</legend>
      {SELECTS.map(([name, label, values]) => (
        <label>
          <span>{label}</span>
          <select name={`${side}.${name}`}>
            <option value="">(any / default)</option>
            {values.map((v) => (
              <option value={v} selected={one(form, name) === v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      ))}
      {NUMBERS.map(([name, label]) => (
        <label>
          <span>{label}</span>
          <input type="number" min="0" name={`${side}.${name}`} value={one(form, name)} />
        </label>
      ))}
      <label>
        <span>Campaign (utm_campaign)</span>
        <input type="text" name={`${side}.campaign`} value={one(form, "campaign")} />
      </label>
      <label>
        <span>Country (ISO code)</span>
        <input type="text" name={`${side}.country`} value={one(form, "country")} />
      </label>
      <label>
        <span>Local date</span>
        <input type="date" name={`${side}.date`} value={one(form, "date")} />
      </label>
      <label>
        <span>Bucketing id (experiments, holdout)</span>
        <input type="text" name={`${side}.visitorId`} value={one(form, "visitorId")} />
      </label>
      <label>
        <span>Already shown this session</span>
        <select name={`${side}.seenVariant`}>
          <option value="">(none)</option>
          {props.variants.map((v) => (
            <option value={v} selected={one(form, "seenVariant") === v}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>… times</span>
        <input type="number" min="0" name={`${side}.seenTimes`} value={one(form, "seenTimes")} />
      </label>
      <div class="checks">
        <span class="muted">Segments: </span>
        {SEGMENTS.map((s) => (
          <label>
            <input type="checkbox" name={`${side}.segments`} value={s} checked={segments.has(s)} />{" "}
            {s}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function Why(props: { side: Side; result: PersonaPreview }) {
  const { result } = props;
  // Slots this page type never has are one line, not a row per variant saying so.
  const elsewhere = result.slots.filter(
    (s) => s.candidates.length > 0 && s.candidates.every((c) => c.outcome === "not_on_page"),
  );
  const here = result.slots.filter((s) => !elsewhere.includes(s));
  return (
    <div class="panel" data-result={props.side}>
      <h2>Persona {props.side.toUpperCase()}</h2>
      <p class="muted">
        Config version {result.configVersion}, a {result.pageType} page, decision: {result.decision}
        .{" "}
        <a href={result.url} target="_blank" rel="noopener">
          Open the page
        </a>
      </p>
      <div class="preview">
        <iframe src={result.url} sandbox="" title={`The page as persona ${props.side}`}></iframe>
      </div>
      <table class="why">
        <thead>
          <tr>
            <th>Slot</th>
            <th>Variant</th>
            <th>Outcome</th>
            <th>Why</th>
          </tr>
        </thead>
        <tbody>
          {here.map((slot) =>
            slot.candidates.map((c, i) => (
              <tr data-slot={slot.slot} data-variant={c.variant} data-outcome={c.outcome}>
                <td>{i === 0 ? slot.slot : ""}</td>
                <td>{c.variant}</td>
                <td class={c.outcome === "won" ? "won" : "out"}>{c.outcome.replace(/_/g, " ")}</td>
                <td>{c.reason}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      {elsewhere.length ? (
        <p class="muted" data-elsewhere>
          Not on a {result.pageType} page: {elsewhere.map((s) => s.slot).join(", ")}.
        </p>
      ) : null}
    </div>
  );
}

export type PersonaPageProps = {
  canEdit: boolean;
  path: string;
  configVersion: string;
  forms: Record<Side, PersonaForm>;
  variants: string[];
  results: Partial<Record<Side, PersonaPreview>>;
  error: string | null;
};

/**
 * Preview as a persona: two made-up visitors (typed facts only, no field names to type), a
 * page of the shop, and for each the page as the engine renders it for them (a signed preview
 * that records nothing) and every slot's winner and why each candidate won or lost.
 */
export function PersonaPage(props: PersonaPageProps) {
  return (
    <Layout
      title="Preview as a persona"
      active="/persona"
      notice={
        props.error ? (
          <div class="notice error" role="alert">
            {props.error}
          </div>
        ) : undefined
      }
    >
      <style>{CSS}</style>
      {props.canEdit ? null : <p class="notice">Previewing as a persona needs the editor role.</p>}
      <form method="post" action={href("/persona")}>
        <p>
          <label>
            Page path <input type="text" name="path" value={props.path} required />
          </label>{" "}
          <label>
            Config version (a draft; default: active){" "}
            <input type="number" min="1" name="configVersion" value={props.configVersion} />
          </label>{" "}
          <button type="submit">Preview</button>
        </p>
        <div class="personas">
          {SIDES.map((side) => (
            <PersonaFields side={side} form={props.forms[side]} variants={props.variants} />
          ))}
        </div>
      </form>
      <div class="personas" data-results>
        {SIDES.map((side) => {
          const result = props.results[side];
          return result ? <Why side={side} result={result} /> : null;
        })}
      </div>
    </Layout>
  );
}

const EMPTY: Record<Side, PersonaForm> = { a: {}, b: {} };

async function render(
  c: Context<Env_>,
  props: Partial<PersonaPageProps>,
  status: 200 | 400 | 404 = 200,
) {
  // The variants offered as "already shown" are those of the version previewed (a draft, say).
  const named = /^[1-9]\d*$/.test(props.configVersion ?? "") ? Number(props.configVersion) : null;
  const active =
    (named === null ? null : await previewConfig(c.env, named).catch(() => null)) ??
    (await loadActiveConfig(c.env.CONFIG).catch(() => null));
  c.header("content-security-policy", CSP);
  return c.html(
    <PersonaPage
      canEdit={allows(principalOf(c).role, "editor")}
      path={props.path ?? "/"}
      configVersion={props.configVersion ?? ""}
      forms={props.forms ?? EMPTY}
      variants={Object.keys(active?.config.variants ?? {}).sort()}
      results={props.results ?? {}}
      error={props.error ?? null}
    />,
    status,
  );
}

const NUMERIC = new Set(["visitCount", "orderCount", "pageViews", "cartItems", "cartValueCents"]);

/**
 * One persona from the form: empty fields are left out, numbers become numbers, so the API's
 * validation (and its field names) applies as it is.
 */
function personaOf(form: PersonaForm): Record<string, unknown> {
  const persona: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(form)) {
    if (name === "segments") {
      persona.segments = [raw].flat();
      continue;
    }
    const value = typeof raw === "string" ? raw.trim() : "";
    if (value === "" || name === "seenVariant" || name === "seenTimes") continue;
    if (name === "consent") persona.consent = value === "yes";
    else if (NUMERIC.has(name) || name === "localHour") persona[name] = Number(value);
    else persona[name] = value;
  }
  const seen = one(form, "seenVariant");
  if (seen) persona.seen = { [seen]: Number(one(form, "seenTimes") || "1") };
  return persona;
}

/** The form's fields by persona: `a.device` -> forms.a.device. */
function formsOf(body: Record<string, unknown>): Record<Side, PersonaForm> {
  const forms: Record<Side, PersonaForm> = { a: {}, b: {} };
  for (const [key, value] of Object.entries(body)) {
    const m = /^([ab])\.([A-Za-z]+)$/.exec(key);
    if (!m) continue;
    const values = [value].flat().filter((v): v is string => typeof v === "string");
    forms[m[1] as Side][m[2]!] = m[2] === "segments" ? values : (values[0] ?? "");
  }
  return forms;
}

/**
 * `/persona` in the dashboard: GET shows the form (filled in from `?path=&configVersion=`, as
 * the editor links here with a saved draft), POST (editors and up, like every dashboard
 * form; CSRF-checked by the dashboard) previews both personas through the admin API's code.
 */
export const personaDashboard = new Hono<Env_>()
  .get("/", async (c) => {
    const path = c.req.query("path") ?? "/";
    const configVersion = c.req.query("configVersion")?.trim() ?? "";
    const props = { path, configVersion };
    if (!PersonaPreviewRequest.shape.path.safeParse(path).success)
      return render(
        c,
        { ...props, error: "path: must be a path on the shop, like /p/some-product" },
        400,
      );
    if (!configVersion) return render(c, props);
    const version = PersonaPreviewRequest.shape.configVersion.safeParse(Number(configVersion));
    if (!/^\d+$/.test(configVersion) || !version.success)
      return render(c, { ...props, error: "configVersion: must be a config version number" }, 400);
    if (!(await previewConfig(c.env, version.data ?? null).catch(() => null)))
      return render(
        c,
        {
          ...props,
          error: `configVersion: version ${configVersion} is not a recorded, valid config`,
        },
        404,
      );
    return render(c, props);
  })
  .post("/", async (c) => {
    const body = await c.req.parseBody({ all: true });
    const path = typeof body.path === "string" ? body.path.trim() : "";
    const configVersion = typeof body.configVersion === "string" ? body.configVersion.trim() : "";
    const forms = formsOf(body);
    const origin = new URL(c.req.url).origin;
    const results: Partial<Record<Side, PersonaPreview>> = {};
    try {
      for (const side of SIDES) {
        let input: PersonaPreviewRequest;
        try {
          input = personaRequestOf({
            path,
            persona: personaOf(forms[side]),
            configVersion: configVersion ? Number(configVersion) : undefined,
          });
        } catch (err) {
          if (err instanceof ApiError)
            throw new ApiError(400, err.code, `Persona ${side.toUpperCase()}: ${err.message}`);
          throw err;
        }
        results[side] = await personaPreview(c.env, origin, input);
      }
    } catch (err) {
      if (err instanceof ApiError && err.status < 500)
        return render(c, { path, configVersion, forms, error: err.message }, 400);
      throw err;
    }
    return render(c, { path, configVersion, forms, results });
  });
