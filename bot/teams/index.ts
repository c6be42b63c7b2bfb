/**
 * Microsoft Teams on the Teams SDK (`@microsoft/teams.apps`): `POST /api/messages` as a route of
 * Certify's own server, and proactive alerts. See route.ts (the request), app.ts (the SDK's App
 * and its credentials), host.ts (how the App runs without a server of its own), handlers.ts (what
 * each activity does), notifier.ts (alerts) and reference-format.ts (stored references, old and new).
 */
export { createTeamsRoute, MAX_BODY_BYTES, TOKEN_VALIDATION_OFF_WARNING } from './route.js';
export type { TeamsDeps } from './route.js';
export { createTeamsNotifier } from './notifier.js';
export type { TeamsNotifier, TeamsNotifierDeps } from './notifier.js';
export type { TeamsSdkPorts } from './app.js';
export { commandText } from './command-text.js';
export { createMemoryReferenceStore } from './references.js';
export type {
  ConversationReferenceStore,
  LegacyReference,
  StoredReference,
  TeamsReference,
} from './references.js';
export type { TeamsConfig } from '../config.js';
