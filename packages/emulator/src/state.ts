import type { EmulatorClock } from "./clock.js";
import type { Realm } from "./realm.js";
import type { Limits } from "./throttle.js";
import type { TokenStore } from "./oauth/token-store.js";

export interface LatencyRange {
  min: number;
  max: number;
}

/** Everything the HTTP handlers share. One per emulator. */
export interface EmulatorState {
  realms: Map<string, Realm>;
  tokens: TokenStore;
  clock: EmulatorClock;
  limits: Limits;
  /** Emulated milliseconds added to every API call (scaled by timeScale before sleeping). */
  latencyMs: LatencyRange | undefined;
  random: () => number;
  /** OAuth apps: client id → client secret. */
  apps: Map<string, string>;
  defaultRealmId: string;
}

/** Hono typing for the emulator's routes. */
export interface EmulatorEnv {
  Variables: { realm: Realm; requestStart: number };
}
