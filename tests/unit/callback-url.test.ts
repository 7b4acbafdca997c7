import { describe, expect, it } from "vitest";
import { authOptions } from "@/lib/auth/options";
import { safeCallbackUrl, sameOriginPath } from "@/lib/auth/callback-url";

/** Inputs that a browser, after its URL parser's clean-up, would follow to another origin (or that are not a path). */
const hostile: [string, unknown][] = [
  ["a tab after the slash", "/\t/evil.example"],
  ["a CR after the slash", "/\r/evil.example"],
  ["an LF after the slash", "/\n/evil.example"],
  ["tabs and newlines between the slashes", "/\t\r\n/evil.example"],
  ["a leading space and tab", " \t//evil.example"],
  ["a leading NUL", "\u0000//evil.example"],
  ["slash backslash", "/\\evil.example"],
  ["backslash slash", "\\/evil.example"],
  ["two backslashes", "\\\\evil.example"],
  ["a backslash later in the path", "/runs\\..\\//evil.example"],
  ["protocol-relative", "//evil.example"],
  ["an encoded slash", "/%2F/evil.example"],
  ["an encoded backslash", "/%5Cevil.example"],
  ["an encoded tab", "/%09/evil.example"],
  ["an encoded LF", "/%0A/evil.example"],
  ["a doubly encoded slash", "/%252F/evil.example"],
  ["a broken escape", "/%E0%A4%A"],
  ["javascript:", "javascript:alert(1)"],
  ["JavaScript: with a tab", "java\tscript:alert(1)"],
  ["http://evil", "http://evil.example"],
  ["https://evil with a leading slash-less path", "https:evil.example"],
  ["a relative path", "forecasts"],
  ["empty", ""],
  ["very long", `/${"a".repeat(5000)}`],
  ["not a string", ["/forecasts"]],
  ["undefined", undefined],
];

describe("sameOriginPath", () => {
  it.each(hostile)("refuses %s", (_, value) => {
    expect(sameOriginPath(value)).toBeNull();
  });

  it.each([
    ["/forecasts", "/forecasts"],
    ["/my-runs?queue=forecast&state=failed", "/my-runs?queue=forecast&state=failed"],
    ["/runs?q=a%20b#top", "/runs?q=a%20b#top"],
    // What the parser drops is dropped here too, and what is left is a plain path.
    ["/for\tecasts", "/forecasts"],
    ["  /queues  ", "/queues"],
    ["/runs?q=needs encoding", "/runs?q=needs%20encoding"],
    ["/a/../queues", "/queues"],
  ])("keeps %j as %j", (value, path) => {
    expect(sameOriginPath(value)).toBe(path);
  });
});

describe("safeCallbackUrl", () => {
  it.each(hostile)("sends %s to /", (_, value) => {
    expect(safeCallbackUrl(value)).toBe("/");
  });

  it.each(["/signin", "/signin?callbackUrl=%2Fqueues", "/api/v1/runs", "/api"])("does not go back to %s", (value) => {
    expect(safeCallbackUrl(value)).toBe("/");
  });

  it("keeps a deep link and pages whose name merely starts like those", () => {
    expect(safeCallbackUrl("/my-runs?queue=forecast&state=failed")).toBe("/my-runs?queue=forecast&state=failed");
    expect(safeCallbackUrl("/signing-keys")).toBe("/signing-keys");
  });
});

describe("next-auth's redirect callback", () => {
  const baseUrl = "http://localhost:3000";
  const redirect = (url: string) => authOptions().callbacks!.redirect!({ url, baseUrl });

  it.each([
    `${baseUrl}/\t/evil.example`,
    "/\t/evil.example",
    "/\\evil.example",
    "//evil.example",
    "http://evil.example/",
    `${baseUrl}.evil.example/`,
    `${baseUrl}@evil.example/`,
  ])("sends %j home", async (url) => {
    expect(await redirect(url)).toBe(`${baseUrl}/`);
  });

  it("follows this site's paths, sign-in included (sign-out goes there)", async () => {
    expect(await redirect("/my-runs?state=failed")).toBe(`${baseUrl}/my-runs?state=failed`);
    expect(await redirect(`${baseUrl}/signin`)).toBe(`${baseUrl}/signin`);
  });
});
