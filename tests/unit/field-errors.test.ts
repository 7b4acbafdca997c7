import { describe, expect, it } from "vitest";
import { ApiRequestError, fieldErrors } from "@/components/api/api-client";

const invalid = (details: { path: string; message: string }[]) => new ApiRequestError(422, "invalid-request", "The request is invalid", details);
const fieldOf = (path: string) => (path === "name" ? "name" : path.startsWith("data") ? "data" : null);

describe("fieldErrors", () => {
  it("puts each detail on its field, keeping the inner path where asked and for paths the form has no field for", () => {
    const errors = fieldErrors(
      invalid([
        { path: "body.name", message: "name is required" },
        { path: "body.data.horizon", message: "must be at most 365" },
        { path: "body.organizationId", message: "no such organisation" },
        { path: "", message: "unexpected field" },
      ]),
      fieldOf,
      { withPath: ["data"] },
    );
    expect(errors).toEqual({
      name: ["name is required"],
      data: ["data.horizon: must be at most 365"],
      other: ["organizationId: no such organisation", "request: unexpected field"],
    });
  });

  it("answers an error without details, or no API error at all, with its message", () => {
    expect(fieldErrors(new ApiRequestError(503, "unavailable", "Redis is away"), fieldOf)).toEqual({ other: ["Redis is away"] });
    expect(fieldErrors(new Error("offline"), fieldOf)).toEqual({ other: ["offline"] });
  });
});
