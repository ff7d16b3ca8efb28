import { describe, expect, it } from "vitest";
import { ageStableUntil, agoFromIso, shortAge } from "../../src/core/age.js";

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

  it("says until when an age reads the same: the whole next second, minute or hour, never later", () => {
    for (const s of [0, 0.4, 1, 45.7, 59.9, 60, 61.5, 150, 3599.2, 3600, 7200.5, 86_399, 86_400, 3 * 86_400 + 5]) {
      const from = before(s);
      const until = ageStableUntil(from, now);
      expect(until).toBeGreaterThan(now.getTime());
      // Same text at every whole second before it (the ages count whole seconds)...
      for (let t = now.getTime(); t < until && t < now.getTime() + 2 * 3600_000; t += 997) expect(shortAge(from, new Date(t)), `${s}s at +${t - now.getTime()}`).toBe(shortAge(from, now));
      // ...and under a day, different at it: no age waits longer than it must.
      if (s < 86_400) expect(shortAge(from, new Date(until))).not.toBe(shortAge(from, now));
    }
    expect(ageStableUntil(new Date(now.getTime() + 5000), now)).toBe(now.getTime() + 6000);
    expect(ageStableUntil(new Date("not a date"), now)).toBe(Infinity);
  });
});

describe("shortAge of a date that is not one", () => {
  it("reads '-' (a hand-edited createdAt showed NaNd in the dashboard)", () => {
    const now = new Date("2026-12-02T12:00:00Z");
    expect(shortAge(new Date("yesterday-ish"), now)).toBe("-");
    expect(shortAge(now, new Date(Number.NaN))).toBe("-");
  });
});
