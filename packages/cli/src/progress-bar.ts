import { SingleBar } from "cli-progress";

/** Progress of one long piece of work (reading a file, a sync's operations). */
export interface Progress {
  start(total: number): void;
  update(done: number, total?: number): void;
  stop(): void;
}

/**
 * How progress is shown, on stderr so stdout stays the verb's answer: `bar` redraws one line with rate
 * and ETA (a terminal), `lines` prints plain lines at every tenth of the work (a log file, `--progress`
 * when piped), `off` prints nothing (the default when stderr is not a terminal, so cron mail stays clean).
 */
export type ProgressMode = "bar" | "lines" | "off";

/** The mode for stderr: a bar on a terminal; when piped, plain lines if asked for, else nothing. */
export function progressMode(
  requested?: boolean,
  stream: { isTTY?: boolean } = process.stderr,
): ProgressMode {
  if (requested === false) return "off";
  if (stream.isTTY === true && process.env["TERM"] !== "dumb") return "bar";
  return requested === true ? "lines" : "off";
}

const off: Progress = { start() {}, update() {}, stop() {} };

/** A progress display labelled `label`; `mode` as progressMode chooses, or forced on/off by a boolean. */
export function progressBar(label: string, mode: ProgressMode | boolean | undefined = undefined): Progress {
  const m = typeof mode === "string" ? mode : progressMode(mode);
  if (m === "off") return off;
  return m === "bar" ? terminalBar(label) : plainLines(label);
}

/** Progress of work in phases (pull, match, sync): one display per phase, one at a time. */
export interface PhasedProgress {
  /** `done` of `total` in phase `label`; a new label finishes the previous phase's display first. */
  update(label: string, done: number, total?: number): void;
  /** Finishes the current phase's display, if any. */
  stop(): void;
}

/**
 * Phases shown one after another on stderr: on a terminal each phase's bar stays on its own line once
 * finished, so the screen ends as a short record of the pull, the matching and the sync.
 */
export function phasedProgress(mode: ProgressMode): PhasedProgress {
  let label: string | undefined;
  let current: Progress = off;
  return {
    update(next, done, total) {
      if (mode === "off") return;
      if (next !== label) {
        current.stop();
        label = next;
        current = progressBar(next, mode);
        current.start(total ?? done);
      }
      current.update(done, total ?? Math.max(done, 0));
    },
    stop() {
      current.stop();
      current = off;
      label = undefined;
    },
  };
}

function rate(done: number, startedAt: number): string {
  const seconds = (Date.now() - startedAt) / 1000;
  return seconds <= 0 ? "0" : (done / seconds).toFixed(done / seconds >= 10 ? 0 : 1);
}

function terminalBar(label: string): Progress {
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    etaBuffer: 50,
    // Redraw at most 10 times a second: a fast sync must not spend its time painting.
    fps: 10,
  });
  let startedAt = Date.now();
  return {
    start(total) {
      startedAt = Date.now();
      bar.start(total, 0, { rate: "0" });
    },
    update(done, total) {
      if (total !== undefined) bar.setTotal(total);
      bar.update(done, { rate: rate(done, startedAt) });
    },
    stop: () => bar.stop(),
  };
}

function plainLines(label: string): Progress {
  let total = 0;
  let lastTenth = -1;
  let done = 0;
  let startedAt = Date.now();
  const write = (n: number) => {
    const pct = total > 0 ? Math.floor((n / total) * 100) : 100;
    process.stderr.write(`${label}: ${n}/${total} (${pct}%), ${rate(n, startedAt)}/s\n`);
  };
  return {
    start(t) {
      total = t;
      startedAt = Date.now();
      lastTenth = 0;
      write(0);
    },
    update(n, t) {
      if (t !== undefined) total = t;
      done = n;
      const tenth = total > 0 ? Math.floor((n / total) * 10) : 10;
      if (tenth > lastTenth && tenth < 10) {
        lastTenth = tenth;
        write(n);
      }
    },
    stop() {
      write(Math.max(done, total));
    },
  };
}
