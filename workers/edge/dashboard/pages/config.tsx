import type { configHistory } from "../../analytics/queries/operations-query.ts";
import type { recentActions, scheduledVersions } from "../../config/config-publishing.ts";
import type { DiffLine } from "../../config/line-diff.ts";
import type { Principal } from "../../users/roles.ts";
import { allows } from "../../users/roles.ts";
import { dateTime } from "../format.ts";
import { Layout } from "../layout.tsx";
import { href } from "../paths.ts";

type Version = Awaited<ReturnType<typeof configHistory>>[number];
type Scheduled = Awaited<ReturnType<typeof scheduledVersions>>[number];
type Action = Awaited<ReturnType<typeof recentActions>>[number];

export type ConfigNotice = { kind: "ok" | "error"; message: string };

const DIFF_CSS = `.diff{font:12px ui-monospace,monospace;white-space:pre;margin:0;padding:6px 0;background:#f9fafb;border:1px solid var(--line);border-radius:6px;overflow-x:auto}
.diff span{display:block;padding:0 8px}.diff .add{background:#ecfdf5;color:#065f46}.diff .del{background:#fef2f2;color:#991b1b}.diff .gap{color:var(--muted)}
.errors li{color:#b91c1c}`;

/** The draft against the active version, as +/- lines with a little context. */
function Diff(props: { lines: (DiffLine | null)[] }) {
  if (!props.lines.length) return <p class="muted">The draft is the same as the active version.</p>;
  return (
    <pre class="diff" data-diff>
      {props.lines.map((line) =>
        line === null ? (
          <span class="gap">⋯</span>
        ) : (
          <span
            class={line.op === "+" ? "add" : line.op === "-" ? "del" : ""}
            data-op={line.op === " " ? "same" : line.op === "+" ? "add" : "del"}
          >{`${line.op} ${line.text}`}</span>
        ),
      )}
    </pre>
  );
}

function status(v: Version, active: number | null, scheduled: Scheduled[]) {
  if (v.version === active) return <span class="badge ok">active</span>;
  if (scheduled.some((s) => s.version === v.version)) return <span class="badge">scheduled</span>;
  if (v.publishedAt === null) return <span class="badge warn">draft</span>;
  return null;
}

/**
 * The config editor: validate (every error at once), the draft's diff against the active
 * version, save as draft, publish now or at a time, cancel a scheduled publish, roll back.
 * Buttons the user's role may not use are not shown (the routes check the role as well).
 */
export function ConfigPage(props: {
  principal: Principal;
  active: number | null;
  versions: Version[];
  scheduled: Scheduled[];
  actions: Action[];
  draft: string;
  message?: string;
  diff?: (DiffLine | null)[];
  errors?: string[];
  notice?: ConfigNotice;
}) {
  const canEdit = allows(props.principal.role, "editor");
  const canPublish = allows(props.principal.role, "publisher");
  return (
    <Layout
      title="Personalization config"
      active="/config"
      notice={
        props.notice ? (
          <div class={`notice ${props.notice.kind === "error" ? "error" : ""}`} role="status">
            {props.notice.message}
          </div>
        ) : undefined
      }
    >
      <style>{DIFF_CSS}</style>
      <p>
        Active version:{" "}
        <strong data-active-version={String(props.active ?? "")}>{props.active ?? "none"}</strong>
        <span class="muted">
          {" "}
          · you are{" "}
          {props.principal.kind === "token" ? "using the admin token" : props.principal.email} (
          {props.principal.role})
        </span>
      </p>
      {props.scheduled.length ? (
        <div class="panel">
          <h2>Scheduled</h2>
          <table>
            <thead>
              <tr>
                <th class="num">Version</th>
                <th>Publishes at (UTC)</th>
                <th>Author</th>
                <th>Message</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {props.scheduled.map((s) => (
                <tr data-scheduled={String(s.version)}>
                  <td class="num">{s.version}</td>
                  <td>{dateTime(s.scheduledAt)}</td>
                  <td>{s.author}</td>
                  <td>{s.note ?? ""}</td>
                  <td>
                    {canPublish ? (
                      <form method="post" action={href("/config/cancel")} class="inline">
                        <input type="hidden" name="version" value={String(s.version)} />
                        <button class="secondary" type="submit">
                          Cancel
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div class="panel">
        <h2>Edit</h2>
        <p class="muted">
          Validate checks slots, variants, rules, templates and experiments and shows the changes
          against the active version. A message saying why is required to save or publish.
          {canPublish ? "" : " Publishing needs the publisher role."}
        </p>
        {props.errors?.length ? (
          <div class="notice error" role="alert">
            <strong>
              {props.errors.length === 1 ? "1 problem" : `${props.errors.length} problems`}
            </strong>
            <ul class="errors" data-errors>
              {props.errors.map((e) => (
                <li>
                  <code>{e}</code>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {props.diff ? (
          <>
            <h3>Changes against version {props.active ?? "none"}</h3>
            <Diff lines={props.diff} />
          </>
        ) : null}
        <form method="post" action={href("/config/validate")}>
          <textarea name="config" rows={24} spellcheck={false} readonly={!canEdit}>
            {props.draft}
          </textarea>
          {canEdit ? (
            <>
              <p>
                <label>
                  Message{" "}
                  <input
                    type="text"
                    name="message"
                    size={60}
                    maxlength={500}
                    value={props.message ?? ""}
                    placeholder="What this change is for"
                  />
                </label>
              </p>
              <p>
                <button class="secondary" type="submit">
                  Validate and show changes
                </button>{" "}
                <button class="secondary" type="submit" formaction={href("/config/draft")}>
                  Save as draft
                </button>{" "}
                {canPublish ? (
                  <>
                    <button type="submit" formaction={href("/config/publish")}>
                      Publish
                    </button>{" "}
                    <label>
                      or at (UTC) <input type="datetime-local" name="publishAt" />
                    </label>{" "}
                    <button type="submit" formaction={href("/config/schedule")}>
                      Schedule
                    </button>
                  </>
                ) : null}
              </p>
            </>
          ) : null}
        </form>
      </div>
      <div class="panel">
        <h2>Versions</h2>
        <table>
          <thead>
            <tr>
              <th class="num">Version</th>
              <th>Author</th>
              <th>Message</th>
              <th>Created</th>
              <th>Last published</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {props.versions.map((v) => (
              <tr data-version={String(v.version)}>
                <td class="num">{v.version}</td>
                <td>{v.author}</td>
                <td>{v.note ?? ""}</td>
                <td>{dateTime(v.createdAt)}</td>
                <td>{dateTime(v.publishedAt)}</td>
                <td>
                  {status(v, props.active, props.scheduled)}
                  {v.version !== props.active && canPublish ? (
                    <form method="post" action={href("/config/rollback")} class="inline">
                      <input type="hidden" name="version" value={String(v.version)} />{" "}
                      <input type="text" name="message" size={24} placeholder="Why" required />{" "}
                      <button class="secondary" type="submit">
                        Make active
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.actions.length ? (
        <div class="panel">
          <h2>Recent changes</h2>
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th class="num">Version</th>
                <th>Who</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {props.actions.map((a) => (
                <tr data-action={a.action}>
                  <td>{dateTime(a.at)}</td>
                  <td>{a.action.replace("_", " ")}</td>
                  <td class="num">{a.version}</td>
                  <td>{a.author}</td>
                  <td>{a.message ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Layout>
  );
}
