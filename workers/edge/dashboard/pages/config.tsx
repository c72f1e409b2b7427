import type { configHistory } from "../../analytics/queries/operations-query.ts";
import { dateTime } from "../format.ts";
import { Layout } from "../layout.tsx";
import { href } from "../paths.ts";

type Version = Awaited<ReturnType<typeof configHistory>>[number];

export type ConfigNotice = { kind: "ok" | "error"; message: string; details?: string[] };

export function ConfigPage(props: {
  active: number | null;
  versions: Version[];
  draft: string;
  notice?: ConfigNotice;
}) {
  return (
    <Layout
      title="Personalization config"
      active="/config"
      notice={
        props.notice ? (
          <div class={`notice ${props.notice.kind === "error" ? "error" : ""}`} role="status">
            {props.notice.message}
            {props.notice.details?.length ? (
              <ul>
                {props.notice.details.map((d) => (
                  <li>
                    <code>{d}</code>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : undefined
      }
    >
      <p>
        Active version:{" "}
        <strong data-active-version={String(props.active ?? "")}>{props.active ?? "none"}</strong>
      </p>
      <div class="panel">
        <h2>Versions</h2>
        <table>
          <thead>
            <tr>
              <th class="num">Version</th>
              <th>Author</th>
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
                <td>{dateTime(v.createdAt)}</td>
                <td>{dateTime(v.publishedAt)}</td>
                <td>
                  {v.version === props.active ? (
                    <span class="badge ok">active</span>
                  ) : (
                    <form method="post" action={href("/config/rollback")} class="inline">
                      <input type="hidden" name="version" value={String(v.version)} />
                      <button class="secondary" type="submit">
                        Make active
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="panel">
        <h2>Publish a new version</h2>
        <p class="muted">
          The document is validated (slots, variants, rules, templates, experiments) before it is
          recorded in Turso and written to KV; isolates pick it up within seconds.
        </p>
        <form method="post" action={href("/config/publish")}>
          <textarea name="config" rows={24} spellcheck={false}>
            {props.draft}
          </textarea>
          <p>
            <button type="submit">Publish</button>
          </p>
        </form>
      </div>
    </Layout>
  );
}
