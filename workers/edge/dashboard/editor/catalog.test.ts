import { describe, expect, it } from "vitest";
import { FIELD_NAMES, fieldSpec, OPS_BY_TYPE } from "../../decide/fields.ts";
import { checkTemplate, VIEW_ROOTS } from "../../decide/template.ts";
import { FIELD_CHOICES, TEMPLATE_FIELDS, UNDOCUMENTED_ROOTS } from "./catalog.ts";
import { refusalKind, templateKindFor } from "./template-check.ts";

describe("the editor's choices", () => {
  it("offers every typed field once, with the operators its type allows", () => {
    expect(FIELD_CHOICES.map((f) => f.name).sort()).toEqual([...FIELD_NAMES].sort());
    for (const f of FIELD_CHOICES) {
      expect(f.ops).toEqual(OPS_BY_TYPE[fieldSpec(f.name).type]);
      expect(f.values).toEqual(fieldSpec(f.name).values);
    }
    // Grouped for the dropdown: each group's fields are together.
    const groups = FIELD_CHOICES.map((f) => f.group);
    expect(groups).toEqual([...groups].sort((a, b) => groups.indexOf(a) - groups.indexOf(b)));
  });

  it("documents every name a template may start with, and only those", () => {
    expect(UNDOCUMENTED_ROOTS).toEqual([]);
    for (const { name } of TEMPLATE_FIELDS) {
      const root = name.replace(/^#/, "").split(".")[0]!;
      expect(VIEW_ROOTS as readonly string[]).toContain(root);
      if (name.includes("*")) continue;
      // Each listed name passes the validator's own check where it is printed.
      const template = name.startsWith("#")
        ? `{{${name}}}x{{/${name.slice(1)}}}`
        : `<p>{{${name}}}</p>`;
      expect(checkTemplate(template, "html").errors, name).toEqual([]);
    }
  });
});

describe("template refusals in words", () => {
  const kindsOf = (template: string, kind: "html" | "text" | "url" = "html") =>
    checkTemplate(template, kind).errors.map(refusalKind);

  it("names the kind of each refusal the validator makes", () => {
    expect(kindsOf("<p>{{{data.x}}}</p>")).toEqual(["raw-html"]);
    expect(kindsOf("<p>{{&data.x}}</p>")).toEqual(["raw-html"]);
    expect(kindsOf('<b onmouseover="x()">hi</b>')).toEqual(["event-handler"]);
    expect(kindsOf('<a href="javascript:alert(1)">x</a>')).toEqual(["unsafe-url"]);
    expect(kindsOf('<a href="{{data.where}}">x</a>')).toEqual(["unsafe-url"]);
    expect(kindsOf("https://other.example/", "url")).toEqual(["unsafe-url"]);
    expect(kindsOf("<iframe></iframe>")).toContain("element");
    expect(kindsOf("<p>{{password}}</p>")).toEqual(["unknown-name"]);
    expect(kindsOf("<p {{data.x}}>x</p>")).toEqual(["placement"]);
  });

  it("checks a template as the validator does for the slot's action", () => {
    expect(templateKindFor("after", undefined)).toBe("html");
    expect(templateKindFor("setAttribute", "HREF")).toBe("url");
    expect(templateKindFor("setAttribute", "title")).toBe("text");
  });
});
