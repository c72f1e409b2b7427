import { describe, expect, it } from "vitest";
import { isApiUrl } from "./app.ts";

describe("isApiUrl", () => {
  it.each([
    ["https://shop.example/__vitrine/v1/health", true],
    ["https://shop.example/__vitrine", true],
    ["https://shop.example/__vitrine?x=1", true],
    ["http://127.0.0.1:8787/__vitrine/dashboard", true],
    ["https://shop.example/", false],
    ["https://shop.example/__vitrines/v1", false],
    ["https://shop.example/p/__vitrine/v1", false],
    ["https://shop.example/?next=/__vitrine/v1", false],
  ])("%s → %s", (url, api) => {
    expect(isApiUrl(url)).toBe(api);
  });
});
