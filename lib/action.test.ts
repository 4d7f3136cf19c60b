import { redirect } from "next/navigation";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { MASS_ASSIGNMENT, Refusal, runAction, SOMETHING_WENT_WRONG } from "./action.ts";
import { NotAdminError } from "./actor.ts";

const schema = z.strictObject({
  email: z.email("Enter an email address"),
  password: z.string().min(8, "Use at least 8 characters"),
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

class PlanInUse extends Error {}
class Unlisted extends Error {}

const good = { email: "a@example.com", password: "long enough" };

describe("runAction", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("runs the work as the actor with the parsed input, ignoring React's $ACTION fields", async () => {
    const work = vi.fn((actor: string, input: z.output<typeof schema>) =>
      Promise.resolve(`${actor}:${input.email}`),
    );
    const state = await runAction("alice", schema, form({ ...good, $ACTION_ID_1: "" }), work);
    expect(state).toEqual({ status: "ok", data: "alice:a@example.com" });
    expect(work).toHaveBeenCalledWith("alice", good);
  });

  it("answers invalid input with the first message per field and puts back only the kept fields", async () => {
    const work = vi.fn(() => Promise.resolve("done"));
    const state = await runAction(null, schema, form({ email: "nope", password: "short" }), work, {
      keep: ["email"],
    });
    expect(state).toEqual({
      status: "error",
      fieldErrors: { email: "Enter an email address", password: "Use at least 8 characters" },
      values: { email: "nope" },
    });
    expect(work).not.toHaveBeenCalled();
  });

  it("refuses a field the form does not send", async () => {
    const work = vi.fn(() => Promise.resolve("done"));
    const state = await runAction(null, schema, form({ ...good, isAdmin: "true" }), work);
    expect(state).toMatchObject({ status: "error", error: MASS_ASSIGNMENT });
    expect(work).not.toHaveBeenCalled();
  });

  it("shows a Refusal's and a listed domain error's message, 'Not found' for a non-admin", async () => {
    const run = (error: Error) =>
      runAction(null, schema, good, () => Promise.reject(error), { refusals: [PlanInUse], keep: ["email"] });
    expect(await run(new Refusal("Too many attempts"))).toEqual({
      status: "error",
      error: "Too many attempts",
      values: { email: good.email },
    });
    expect(await run(new PlanInUse("Plan basic has 3 accounts"))).toMatchObject({
      error: "Plan basic has 3 accounts",
    });
    expect(await run(new NotAdminError())).toMatchObject({ error: "Not found" });
  });

  it("maps validation the data layer throws to field errors", async () => {
    const thrown = z.object({ rpm: z.number({ error: "Enter a whole number" }) }).safeParse({ rpm: "x" });
    const state = await runAction(null, schema, good, () => Promise.reject(thrown.error ?? new Error()));
    expect(state).toMatchObject({ status: "error", fieldErrors: { rpm: "Enter a whole number" } });
  });

  it("hides any other failure behind a generic message and logs only its kind and message", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const error = new Unlisted("connection lost");
    error.stack = "secret stack";
    const state = await runAction(null, schema, good, () => Promise.reject(error), { refusals: [PlanInUse] });
    expect(state).toEqual({ status: "error", error: SOMETHING_WENT_WRONG });
    expect(log).toHaveBeenCalledWith("action failed: Error: connection lost");
  });

  it("lets Next's redirect through", async () => {
    await expect(runAction(null, schema, good, () => Promise.resolve(redirect("/sign-in")))).rejects.toThrow(
      "NEXT_REDIRECT",
    );
  });
});
