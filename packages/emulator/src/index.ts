export {
  createEmulator,
  startEmulatorServer,
  DEFAULT_APP,
  DEFAULT_REALM_ID,
  type Emulator,
  type EmulatorOptions,
  type EmulatorServer,
} from "./emulator.js";
export type { RealmHandle } from "./realm-handle.js";
export type { RequestLogEntry, ChangeEvent } from "./realm.js";
export type { FaultRule, FaultKind } from "./fault-injection.js";
export type { Limits } from "./throttle.js";
export { QBO_LIMITS } from "./throttle.js";
export type { EntityName, QboObject } from "./entities/entity-def.js";
export { loadSeedFile, checkSeed, type EmulatorSeed, type RealmSeed } from "./seed.js";
export { QboFault, type FaultError } from "./fault.js";
export { parseQuery, type ParsedQuery } from "./query/parser.js";
export type { TokenPair } from "./oauth/token-store.js";
export type { WebhookConfig, WebhookDelivery } from "./webhooks/dispatcher.js";
export { signWebhookPayload, verifyWebhookSignature } from "./webhooks/signature.js";
export { demoCompanySeed } from "./seeds/demo-company.js";
export type { CustomerMergeResult } from "./admin/merge-customers.js";
