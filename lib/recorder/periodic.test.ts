import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PeriodicTask } from "./periodic.ts";

/** A pass the test finishes by hand, counting how often it was started. */
function controlledPass() {
  const state = { started: 0, finish: () => {}, fail: (_error: Error) => {} };
  const pass = () => {
    state.started++;
    return new Promise<void>((resolve, reject) => {
      state.finish = resolve;
      state.fail = reject;
    });
  };
  return { state, pass };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("a periodic maintenance task", () => {
  it("runs once at start, then every interval (hourly unless told otherwise)", async () => {
    let passes = 0;
    const task = new PeriodicTask(
      "t",
      () => Promise.resolve(void passes++),
      () => {},
    );
    task.start();
    expect(passes).toBe(1);
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000 - 1);
    expect(passes).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toBe(2);
    await vi.advanceTimersByTimeAsync(2 * 60 * 60 * 1000);
    expect(passes).toBe(4);
    await task.stop();
    await vi.advanceTimersByTimeAsync(10 * 60 * 60 * 1000);
    expect(passes).toBe(4);
  });

  it("takes its interval from the caller, and a second start adds no second timer", async () => {
    let passes = 0;
    const task = new PeriodicTask(
      "t",
      () => Promise.resolve(void passes++),
      () => {},
      1000,
    );
    task.start();
    task.start();
    expect(passes).toBe(1); // the second start joined the pass the first one began
    await vi.advanceTimersByTimeAsync(1000);
    expect(passes).toBe(2); // one timer: two would make this 3
    await vi.advanceTimersByTimeAsync(1000);
    expect(passes).toBe(3);
    await task.stop();
  });

  it("joins a pass already running instead of starting another, and runs again once it is done", async () => {
    const { state, pass } = controlledPass();
    const task = new PeriodicTask("t", pass, () => {});
    const first = task.run();
    const second = task.run();
    expect(second).toBe(first);
    expect(state.started).toBe(1);
    state.finish();
    await first;
    const third = task.run();
    expect(state.started).toBe(2);
    state.finish();
    await third;
  });

  it("reports a failed pass by name and message, never to the caller, and retries on the next tick", async () => {
    const errors: string[] = [];
    let passes = 0;
    const task = new PeriodicTask(
      "call log partitions",
      () => {
        passes++;
        return passes === 1 ? Promise.reject(new Error("connection terminated")) : Promise.resolve();
      },
      (message) => errors.push(message),
      1000,
    );
    task.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual(["call log partitions: connection terminated"]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(passes).toBe(2);
    expect(errors).toHaveLength(1);
    await expect(task.run()).resolves.toBeUndefined();
    await task.stop();
  });

  it("stop waits for the pass in progress", async () => {
    const { state, pass } = controlledPass();
    const task = new PeriodicTask("t", pass, () => {}, 1000);
    task.start();
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    state.finish();
    await stopping;
    expect(stopped).toBe(true);
  });
});
