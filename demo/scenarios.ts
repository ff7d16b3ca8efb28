// What each simulated agent does (demo/sim-agent.mjs AO_SIM_SCRIPT steps), and the issue it
// works on. Pure data: think times are seconds of demo time, divided by --speed.

export type SimStep =
  | { say: string }
  | { think: number }
  | { edit: { file: string; content: string } }
  | { commit: string }
  | { push: true }
  | { ask: string }
  | { pr: { title: string; body?: string } }
  | { fail: string }
  | { hang: true };

export interface Scenario {
  /** The name the timeline uses for this session. */
  key: string;
  project: "frontend" | "backend";
  issue: { title: string; body: string };
  script: SimStep[];
}

/** A crash must come after spawnSession has seen the agent run (it watches ~1.6 s), or it is a failed spawn. */
const CRASH_AFTER_MS = 3000;

/** A scenario's script for a given speed: `think` in milliseconds, never below `floorMs`. */
export function scaledScript(s: Scenario, speed: number, floorMs = 300): SimStep[] {
  let thought = 0;
  return s.script.flatMap((step): SimStep[] => {
    if ("think" in step) {
      const ms = Math.max(floorMs, Math.round((step.think * 1000) / speed));
      thought += ms;
      return [{ think: ms }];
    }
    return "fail" in step && thought < CRASH_AFTER_MS ? [{ think: CRASH_AFTER_MS - thought }, step] : [step];
  });
}

const fix = (title: string, files: Array<[string, string]>, think: number): SimStep[] => [
  ...files.flatMap(([file, content]): SimStep[] => [{ edit: { file, content } }, { think }]),
  { commit: title },
  { push: true },
  { pr: { title, body: "Opened by the demo's simulated agent." } },
];

export const SCENARIOS: Scenario[] = [
  {
    key: "login",
    project: "frontend",
    issue: { title: "Fix the login redirect loop", body: "After signing in, /login redirects to itself when ?next= is empty." },
    script: [
      { say: "Reproducing: /login?next= redirects back to /login" },
      { think: 4 },
      { say: "afterLogin() returns the empty next; fall back to /" },
      ...fix("Fix the login redirect loop", [["src/auth/redirect.ts", "export const afterLogin = (next: string) => (next && next !== '/login' ? next : '/');\n"]], 3),
    ],
  },
  {
    key: "dark",
    project: "frontend",
    issue: { title: "Add a dark mode toggle", body: "Settings should offer light, dark and system themes." },
    script: [
      { say: "Reading src/app.tsx and the settings screen" },
      { think: 5 },
      { say: "Adding a theme palette and a toggle in settings" },
      ...fix("Add a dark mode toggle", [["src/theme.ts", "export const themes = { light: '#fff', dark: '#111' };\n"], ["src/settings/ThemeToggle.tsx", "export function ThemeToggle() {\n  return null;\n}\n"]], 3),
    ],
  },
  {
    key: "settings",
    project: "frontend",
    issue: { title: "Split the settings page into tabs", body: "SettingsPage is 900 lines; split it by tab." },
    script: [
      { say: "Reading SettingsPage (900 lines)" },
      { think: 3 },
      // Then nothing: a watch-mode test run that never returns is how real agents get stuck.
      { say: "Running: npm test -- --watch" },
      { hang: true },
    ],
  },
  {
    key: "ratelimit",
    project: "backend",
    issue: { title: "Rate-limit the /search endpoint", body: "Search is being scraped; limit it to 60 requests a minute." },
    script: [
      { say: "Looking at the /search handler and the middleware stack" },
      { think: 3 },
      { ask: "Limit per API key rather than per IP address?" },
      { think: 3 },
      ...fix("Rate-limit /search per API key", [["src/middleware/rate-limit.ts", "export const limit = { perMinute: 60, key: 'apiKey' };\n"]], 3),
    ],
  },
  {
    key: "migration",
    project: "backend",
    issue: { title: "Add email_verified to users", body: "A migration and the model field." },
    script: [
      { say: "Writing the migration" },
      { think: 4 },
      { edit: { file: "migrations/0042_users_email_verified.sql", content: "ALTER TABLE users ADD COLUMN email_verified boolean;\n" } },
      { say: "Running the migration against the test database" },
      { think: 3 },
      { fail: 'migration failed: column "email_verified" of relation "users" already exists' },
    ],
  },
  {
    key: "health",
    project: "backend",
    issue: { title: "Add a /healthz endpoint", body: "For the load balancer: 200 when the database answers." },
    script: [
      { say: "Adding /healthz next to the other routes" },
      { think: 8 },
      { edit: { file: "src/health.ts", content: "export const healthz = () => ({ ok: true });\n" } },
      { say: "Wiring a database ping into /healthz" },
      { think: 12 },
      { commit: "Add /healthz" },
      { say: "Writing tests for the unhealthy case" },
      { think: 40 },
      { push: true },
    ],
  },
];
