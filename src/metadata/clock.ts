import { readFileSync } from "node:fs";

/**
 * Elapsed time that survives a wall-clock jump (NTP catching up, a laptop's clock set by hand).
 * ao records wall times (ISO strings) for people; beside the ones it measures durations from,
 * it records a stamp of the system's monotonic clock, `<boot>:<ms>`. The monotonic clock is
 * shared by every process on the machine and never jumps; the boot id says whether a stamp
 * still belongs to it (it restarts at boot).
 */
let boot: string | null | undefined;
function bootId(): string | null {
  if (boot === undefined) {
    try {
      boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim().replace(/-/g, "").slice(0, 12) || null;
    } catch {
      boot = null; // no /proc: durations fall back to the wall clock
    }
  }
  return boot;
}

/** The system's monotonic clock (CLOCK_MONOTONIC on Linux), in ms. */
export function monoMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

/**
 * A stamp of now (or of `agoMs` before now) on the monotonic clock, or undefined where it
 * cannot be tied to a boot.
 */
export function monoStamp(agoMs = 0): string | undefined {
  const b = bootId();
  return b ? `${b}:${monoMs() - Math.round(agoMs)}` : undefined;
}

/** Stamps already taken apart: the dashboard reads the same 500 every 2 s. */
const parsedStamps = new Map<string, number | null>();

function stampMs(stamp: string | undefined): number | null {
  if (!stamp) return null;
  let ms = parsedStamps.get(stamp);
  if (ms === undefined) {
    const m = /^([0-9a-f]+):(\d+)$/.exec(stamp);
    ms = m && m[1] === bootId() ? Number(m[2]) : null;
    if (parsedStamps.size >= 10_000) parsedStamps.clear();
    parsedStamps.set(stamp, ms);
  }
  return ms;
}

/**
 * How far the wall clock has moved against the monotonic one since a moment seen at `wallMs`
 * with `stamp`: 0 when nothing jumped (or nothing can be told).
 */
export function clockJumpMs(wallMs: number, stamp: string | undefined, nowWallMs: number): number {
  const then = stampMs(stamp);
  if (then === null || Number.isNaN(wallMs)) return 0;
  const jump = nowWallMs - wallMs - (monoMs() - then);
  // A second of slack: ISO times are rounded to the millisecond, stamps are taken apart.
  return Math.abs(jump) > 1000 ? jump : 0;
}

/** Time since a moment recorded at `wallMs` with `stamp`, without counting any jump between. */
export function elapsedSince(wallMs: number, stamp: string | undefined, nowWallMs: number): number {
  return nowWallMs - wallMs - clockJumpMs(wallMs, stamp, nowWallMs);
}
