import type { Principal } from "../../users/roles.ts";
import { allows } from "../../users/roles.ts";
import type { EDITOR_CHOICES } from "../editor/catalog.ts";
import { Layout } from "../layout.tsx";
import { href } from "../paths.ts";

const EDITOR_CSS = `.editor [hidden]{display:none!important}
.editor .steps{display:grid;grid-template-columns:minmax(0,3fr) minmax(320px,2fr);gap:12px;align-items:start}
.editor iframe{width:100%;height:640px;border:1px solid var(--line);border-radius:6px;background:#fff}
.editor label{display:block;margin:6px 0}.editor label.inline{display:inline-block;margin-right:10px}
.editor input[type=text],.editor input[type=number],.editor select{max-width:100%}
.editor .wide{width:100%}.editor .mono{font-family:ui-monospace,monospace;font-size:12px}
.editor .refusal{color:#b91c1c;margin:4px 0}.editor .refusal .hint{color:var(--muted);display:block}
.editor .ok{color:#047857}.editor .group{border:1px dashed #cbd5e1;border-radius:6px;padding:6px;margin:6px 0}
.editor .cond{display:flex;gap:6px;flex-wrap:wrap;align-items:center;margin:4px 0}.editor select.rule-field{max-width:360px}
.editor .fields{max-height:220px;overflow:auto;font-size:12px}
.editor table.counts td{padding:2px 8px}`;

type Choices = typeof EDITOR_CHOICES;

/** What the editor shows of the active config: existing places, variants and experiments. */
export type EditorState = {
  version: number | null;
  slots: Record<string, { selector?: string; action?: string }>;
  variants: string[];
  experiments: Record<string, { status?: string }>;
  holdoutPercent: number | null;
};

/**
 * The visual editor: pick a place on a shop page, say what goes there and for whom, save the
 * resulting draft through the Config page's routes, preview that version as personas (the
 * Persona page, linked once saved), then publish it. Server-rendered; the picker, the rule
 * builder, the checks as you type and the save are a small island (editor/island.js).
 * A viewer sees the same page and may pick and count, but not check templates or build drafts.
 */
export function EditorPage(props: {
  principal: Principal;
  choices: Choices;
  state: EditorState;
  path: string;
}) {
  const canEdit = allows(props.principal.role, "editor");
  const canPublish = allows(props.principal.role, "publisher");
  const { state } = props;
  return (
    <Layout title="Visual editor" active="/editor">
      <style>{EDITOR_CSS}</style>
      <div
        class="editor"
        id="editor"
        data-editor
        data-can-edit={String(canEdit)}
        data-base={href("/editor")}
        data-choices={JSON.stringify(props.choices)}
        data-state={JSON.stringify(state)}
      >
        <p class="muted">
          Active version <strong>{state.version ?? "none"}</strong>. Pick a place on a shop page,
          say what goes there and who sees it; the result is a draft of the whole config, checked
          and published on the <a href={href("/config")}>Config</a> page's terms.
          {canEdit ? "" : " You are a viewer: you can look and pick, not build drafts."}
        </p>
        <noscript>
          <p class="notice error">The editor needs JavaScript; the Config page works without.</p>
        </noscript>

        <div class="panel" id="step-place">
          <h2>1. Pick a page and a place</h2>
          <form id="open-page" class="inline">
            <label class="inline">
              Shop path{" "}
              <input type="text" id="editor-path" name="path" size={50} value={props.path} />
            </label>
            <button class="secondary" type="submit" id="open-button">
              Open
            </button>
            <span class="muted">
              {" "}
              the page as the origin serves it: no personalization, nothing recorded
            </span>
          </form>
          <div class="steps">
            <iframe
              id="editor-frame"
              title="Shop page"
              // Same origin for the picker to reach in; the page's own scripts, forms and
              // navigation of the dashboard stay off (its response's CSP says so too).
              sandbox="allow-same-origin"
              src={`${href("/editor/frame")}?path=${encodeURIComponent(props.path)}`}
            ></iframe>
            <div>
              <p class="muted">Hover the page and click the element to change.</p>
              <label>
                Selector <input type="text" id="slot-selector" class="wide mono" maxlength={300} />
              </label>
              <p id="selector-status" class="muted" role="status"></p>
              <table class="counts" id="selector-counts"></table>
              <label>
                Action{" "}
                <select id="slot-action">
                  {props.choices.actions.map((a) => (
                    <option value={a} selected={a === "after"}>
                      {a}
                    </option>
                  ))}
                </select>
              </label>
              <label id="attribute-row" hidden>
                Attribute <input type="text" id="slot-attribute" size={20} placeholder="title" />
              </label>
              <label>
                Slot id <input type="text" id="slot-id" size={30} placeholder="product-note" />
              </label>
              <fieldset id="slot-page-types">
                <legend>On pages of type (none = every page)</legend>
                {props.choices.pageTypes.map((t) => (
                  <label class="inline">
                    <input type="checkbox" name="pageTypes" value={t} /> {t}
                  </label>
                ))}
              </fieldset>
              <p class="muted" id="existing-slots">
                Existing slots:{" "}
                {Object.keys(state.slots).length
                  ? Object.entries(state.slots).map(([id, s]) => (
                      <code title={`${s.action ?? ""} ${s.selector ?? ""}`}>{id} </code>
                    ))
                  : "none"}
              </p>
            </div>
          </div>
        </div>

        <div class="panel" id="step-content">
          <h2>2. Say what goes there</h2>
          <div class="steps">
            <div>
              <label>
                Variant id <input type="text" id="variant-id" size={30} placeholder="mobile-note" />
              </label>
              <label>
                Template (Mustache: <code>{"{{name}}"}</code> is always escaped)
                <textarea id="variant-template" rows={6} spellcheck={false}></textarea>
              </label>
              <div id="template-check" role="status" aria-live="polite"></div>
              <label class="inline">
                Product list{" "}
                <select id="items-source">
                  <option value="">none</option>
                  {props.choices.listSources.map((s) => (
                    <option value={s}>{s}</option>
                  ))}
                </select>
              </label>
              <label class="inline">
                size <input type="number" id="items-limit" min={1} max={24} value="4" />
              </label>
              <label class="inline">
                category <input type="text" id="items-category" size={12} placeholder="current" />
              </label>
              <br />
              <label class="inline">
                Priority <input type="number" id="variant-priority" value="10" step={1} />
              </label>
              <label class="inline">
                Show at most{" "}
                <input type="number" id="variant-cap" min={1} step={1} placeholder="no cap" /> times
                per session
              </label>
              <label>
                Description{" "}
                <input type="text" id="variant-description" class="wide" maxlength={500} />
              </label>
            </div>
            <div>
              <strong>Fields a template may print</strong>
              <ul class="fields" id="template-fields">
                {props.choices.templateFields.map((f) => (
                  <li>
                    <code>{`{{${f.name}}}`}</code> <span class="muted">{f.doc}</span>
                  </li>
                ))}
              </ul>
            </div>
          </div>
        </div>

        <div class="panel" id="step-audience">
          <h2>3. Say who sees it</h2>
          <p class="muted">
            Everyone when there is no condition. Conditions use the engine's typed fields; data a
            visitor does not have (no profile yet) makes a condition false.
          </p>
          <div id="rule-builder"></div>
          <label>
            Rule as JSON (edit it here too; the builder follows when it can show it)
            <textarea id="rule-json" rows={6} spellcheck={false}></textarea>
          </label>
          <p id="rule-json-status" class="muted" role="status"></p>
        </div>

        <div class="panel" id="step-experiment">
          <h2>4. Experiment and holdout</h2>
          <label>
            <input type="checkbox" id="exp-enabled" /> Test it: run the variant as an experiment
            against no change
          </label>
          <div id="exp-fields">
            <label class="inline">
              Experiment id <input type="text" id="exp-id" size={24} />
            </label>
            <label class="inline">
              Status{" "}
              <select id="exp-status">
                {props.choices.experimentStatuses.map((s) => (
                  <option value={s}>{s}</option>
                ))}
              </select>
            </label>
            <label class="inline">
              Allocation{" "}
              <input type="number" id="exp-allocation" min={0} max={1} step={0.05} value="1" />
            </label>
            <label class="inline">
              Control weight{" "}
              <input type="number" id="exp-control" min={0} max={1} step={0.05} value="0.5" />
            </label>
          </div>
          {Object.keys(state.experiments).length ? (
            <table id="experiment-status">
              <thead>
                <tr>
                  <th>Experiment</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(state.experiments).map(([id, e]) => (
                  <tr>
                    <td>
                      <a href={href(`/experiments/${encodeURIComponent(id)}`)}>{id}</a>
                    </td>
                    <td>
                      <select data-experiment-status={id}>
                        {props.choices.experimentStatuses.map((s) => (
                          <option value={s} selected={s === e.status}>
                            {s}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <label>
            Holdout (% of visitors who never get personalization){" "}
            <input
              type="number"
              id="holdout-percent"
              min={0}
              max={50}
              step={0.5}
              value={state.holdoutPercent === null ? "" : String(state.holdoutPercent)}
            />
          </label>
        </div>

        <div class="panel" id="step-draft">
          <h2>5. Build and save the draft</h2>
          {canEdit ? (
            <>
              <p>
                <button type="button" class="secondary" id="build-draft">
                  Build the draft
                </button>{" "}
                <span class="muted">the active config with this slot, variant and experiment</span>
              </p>
              <div id="draft-status" role="status"></div>
              <form method="post" action={href("/config/validate")} id="draft-form">
                <textarea name="config" id="draft-config" rows={12} spellcheck={false}></textarea>
                <p>
                  <label>
                    Message{" "}
                    <input
                      type="text"
                      name="message"
                      id="draft-message"
                      size={60}
                      maxlength={500}
                      placeholder="What this change is for"
                    />
                  </label>
                </p>
                <p>
                  <button class="secondary" type="submit">
                    Validate and show changes
                  </button>{" "}
                  <button
                    class="secondary"
                    type="submit"
                    id="save-draft"
                    formaction={href("/config/draft")}
                  >
                    Save as draft
                  </button>{" "}
                  <span class="muted">a version that is recorded, not served</span>
                </p>
              </form>
              <div id="draft-saved" role="status"></div>
            </>
          ) : (
            <p class="muted">Building and saving drafts needs the editor role.</p>
          )}
        </div>

        <div class="panel" id="step-persona" data-persona-base={href("/persona")}>
          <h2>6. See it as personas</h2>
          <p class="muted">
            Before publishing, see the page as two made-up visitors, decided by the same engine as
            real traffic on the saved draft, with each slot's winner and why; nothing is recorded.
          </p>
          <p id="persona-waiting">
            {canEdit
              ? "Save the draft first: the preview decides with a saved version."
              : "Previewing as a persona needs the editor role."}
          </p>
          <p id="persona-ready" hidden>
            <a id="persona-link" href={href("/persona")} target="_blank" rel="noopener">
              Preview as personas
            </a>{" "}
            <span class="muted" id="persona-version"></span>
          </p>
        </div>

        <div class="panel" id="step-publish">
          <h2>7. Publish</h2>
          {canPublish ? (
            <p>
              <button type="submit" form="draft-form" formaction={href("/config/publish")}>
                Publish
              </button>{" "}
              <label class="inline">
                or at (UTC) <input type="datetime-local" name="publishAt" form="draft-form" />
              </label>
              <button type="submit" form="draft-form" formaction={href("/config/schedule")}>
                Schedule
              </button>{" "}
              <span class="muted">the draft above, with its message</span>
            </p>
          ) : (
            <p class="muted">Publishing needs the publisher role.</p>
          )}
        </div>
      </div>
      <script src={href("/editor/island.js")} defer></script>
    </Layout>
  );
}
