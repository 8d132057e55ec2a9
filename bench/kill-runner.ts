/**
 * Helpers for runs that kill a sync runner with SIGKILL part-way (the crash test in
 * packages/cli/src/sync-crash.int.test.ts and bench/chaos.ts): a seeded generator so any run can be
 * replayed, and a child process that is killed the moment a condition holds.
 */
import { spawn } from "node:child_process";

/** A seeded linear congruential generator in [0, 1): the same seed gives the same kill points. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface RunnerExit {
  /** True when we killed it before it exited by itself. */
  killedMidRun: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <script> ...args`; while it runs, `killWhen` is polled every `pollMs` (and may do other
 * work of the harness, such as changing QBO mid-run), and the child is SIGKILLed the first time it says so.
 */
export function runKillable(o: {
  script: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  killWhen?: (elapsedMs: number) => boolean;
  pollMs?: number;
}): Promise<RunnerExit> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [o.script, ...(o.args ?? [])], {
      env: o.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let killed = false;
    const timer =
      o.killWhen === undefined
        ? undefined
        : setInterval(() => {
            if (!killed && o.killWhen!(Date.now() - started)) killed = child.kill("SIGKILL");
          }, o.pollMs ?? 1);
    child.on("error", (err) => {
      if (timer) clearInterval(timer);
      reject(err);
    });
    child.on("exit", (code) => {
      if (timer) clearInterval(timer);
      resolve({ killedMidRun: killed, code, stdout, stderr });
    });
  });
}
