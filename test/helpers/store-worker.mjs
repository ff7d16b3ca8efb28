// A separate process that uses the built session store, for tests of cross-process safety.
import { SessionStore } from "../../dist/src/metadata/store.js";

const [home, workspace, id, mode, arg] = process.argv.slice(2);
const store = new SessionStore(home, workspace);

if (mode === "increment") {
  await store.update(id, (m) => ({ counter: String(Number(m.counter ?? "0") + 1), [`writer${arg}`]: "done" }), `worker-${arg}`);
} else if (mode === "create") {
  process.stdout.write(await store.create("fe", { projectId: "frontend" }, `worker-${arg}`));
} else if (mode === "churn") {
  // Rewrite a large value forever: the parent kills this process at a random instant.
  for (let i = 1; ; i++) {
    const body = String(i % 10).repeat(256 * 1024);
    await store.update(id, () => ({ big: body, n: String(i) }), "churn");
  }
}
