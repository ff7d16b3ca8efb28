import { afterAll } from "vitest";

/**
 * FORCE_COLOR as `level` while Ink's chalk loads (it reads it once, as it loads), put back after
 * the file's tests. Call it from vi.hoisted, which runs before the file's imports load Ink:
 * `await vi.hoisted(async () => (await import("../helpers/colour.js")).colourWhileLoading("1"));`
 */
export function colourWhileLoading(level: "0" | "1"): void {
  const before = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = level;
  afterAll(() => {
    if (before === undefined) delete process.env.FORCE_COLOR;
    else process.env.FORCE_COLOR = before;
  });
}
