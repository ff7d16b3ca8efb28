import { describe, expect, it } from "vitest";
import { errorWords, readableTime } from "../../src/core/error-words.js";

// Local times, so the expectations hold in any time zone.
const NOW = new Date(2026, 11, 2, 6, 0);
const sec = (d: Date) => String(Math.floor(d.getTime() / 1000));

describe("errorWords: reset times a person can read", () => {
  it("epoch seconds or milliseconds beside a reset word, an ISO stamp anywhere", () => {
    const at = new Date(2026, 11, 2, 9, 30);
    expect(errorWords(`rate limited; resets_at: ${sec(at)}`, NOW)).toBe("rate limited; resets_at 09:30 (in 3h 30m)");
    expect(errorWords(`retry after ${at.getTime()}`, NOW)).toBe("retry after 09:30 (in 3h 30m)");
    expect(errorWords(`Claude AI usage limit reached|${sec(at)}`, NOW)).toBe("Claude AI usage limit reached · resets 09:30 (in 3h 30m)");
    expect(errorWords(`quota resets ${at.toISOString()}`, NOW)).toBe("quota resets 09:30 (in 3h 30m)");
  });
  it("a clock time in UTC or GMT±n (Gemini's \"Access resets at 3:45 PM UTC\") in the person's own clock, the next time it comes", () => {
    const at = new Date(NOW.getTime() + 90 * 60_000);
    const utc = (d: Date) => `${(d.getUTCHours() % 12) || 12}:${String(d.getUTCMinutes()).padStart(2, "0")} ${d.getUTCHours() < 12 ? "AM" : "PM"} UTC`;
    expect(errorWords(`Access resets at ${utc(at)}.`, NOW)).toBe("Access resets at 07:30 (in 1h 30m).");
    const plus2 = new Date(at.getTime() + 2 * 3_600_000);
    expect(errorWords(`resets ${String(plus2.getUTCHours()).padStart(2, "0")}:${String(plus2.getUTCMinutes()).padStart(2, "0")} GMT+2`, NOW)).toBe("resets 07:30 (in 1h 30m)");
    // Earlier today than now: tomorrow's.
    expect(errorWords(`at ${utc(new Date(NOW.getTime() - 3_600_000))}`, NOW)).toBe("at Dec 3 05:00 (in 23h 0m)");
    // A zone that does not say its offset stays as written.
    expect(errorWords("Access resets at 3:45 PM PST.", NOW)).toBe("Access resets at 3:45 PM PST.");
  });
  it("leaves other numbers alone, names another day, and is one inert line", () => {
    expect(errorWords("request 1764658620 failed", NOW)).toBe("request 1764658620 failed");
    expect(readableTime(new Date(2026, 11, 3, 7, 5), NOW)).toBe("Dec 3 07:05 (in 1d 1h)");
    expect(errorWords("bad\u001b[2J\nkey", NOW)).toBe("bad key");
    expect(errorWords("x".repeat(400), NOW)).toHaveLength(300);
  });
});
