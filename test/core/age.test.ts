import { describe, expect, it } from "vitest";
import { agoFromIso, shortAge } from "../../src/core/age.js";

const now = new Date("2026-11-24T12:00:00Z");
const before = (s: number) => new Date(now.getTime() - s * 1000);

describe("ages", () => {
  it.each([
    [0, "0s"],
    [45, "45s"],
    [59, "59s"],
    [60, "1m"],
    [150, "2m"],
    [3599, "59m"],
    [3600, "1h"],
    [86_399, "23h"],
    [3 * 86_400 + 5, "3d"],
  ])("%ss → %s", (s, out) => expect(shortAge(before(s), now)).toBe(out));

  it("never shows a negative age for a clock ahead of ours", () => {
    expect(shortAge(new Date(now.getTime() + 5000), now)).toBe("0s");
  });

  it("says 'ago', and nothing for a missing or bad time", () => {
    expect(agoFromIso(before(120).toISOString(), now)).toBe("2m ago");
    expect(agoFromIso(undefined, now)).toBeNull();
    expect(agoFromIso("yesterday-ish", now)).toBeNull();
  });
});
