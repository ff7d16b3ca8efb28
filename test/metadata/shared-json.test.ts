import { renameSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readSharedJson } from "../../src/metadata/shared-json.js";

let dir = "";
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("readSharedJson", () => {
  it("parses a file once while it is unchanged, and again whenever it changes", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ao-sjson-"));
    const file = path.join(dir, "prs.json");
    await expect(readSharedJson(file)).rejects.toMatchObject({ code: "ENOENT" });
    writeFileSync(file, '{"n":1}');
    const first = await readSharedJson(file);
    expect(first).toEqual({ n: 1 });
    // Unchanged: the same object, not parsed again.
    expect(await readSharedJson(file)).toBe(first);
    // Another process's write: a new file renamed over it.
    writeFileSync(`${file}.tmp`, '{"n":2}');
    renameSync(`${file}.tmp`, file);
    expect(await readSharedJson(file)).toEqual({ n: 2 });
    // A hand edit in place, to a text of another length.
    writeFileSync(file, '{"n":33}');
    expect(await readSharedJson(file)).toEqual({ n: 33 });
  });
});
