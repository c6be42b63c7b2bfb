/**
 * The rotation sections: `appRegistrations` (with their password credentials), the
 * `rotationPolicies` that rotate them into vault secrets, and the `rotationEvents` they left.
 */
import type {
  AppRegistration,
  MatchState,
  PasswordCredential,
  RotationEvent,
  RotationPolicy,
} from '../types.js';
import {
  NULLABLE,
  REQUIRED,
  bool,
  id,
  nested,
  oneOf,
  str,
  strOrNull,
  time,
  timeOrNull,
  type Obj,
} from './fields.js';
import { IGNORING_CASE, array, byId, eachElement, type Section } from './lists.js';
import { at, type Problems } from './problems.js';

const MATCH_STATES: readonly MatchState[] = ['verified', 'unverified', 'excluded'];
export const OUTCOMES = ['succeeded', 'failed'] as const;

function passwordCredential(p: Problems, o: Obj, sec: string, i: number): PasswordCredential {
  return {
    keyId: id(p, o.keyId, sec, i, 'keyId'),
    displayName: strOrNull(p, o.displayName, sec, i, 'displayName', NULLABLE),
    endDateTime: timeOrNull(p, o.endDateTime, sec, i, 'endDateTime', NULLABLE),
  };
}

const PASSWORD_CREDENTIALS: Section<PasswordCredential> = {
  build: passwordCredential,
  key: { field: 'keyId', of: (c) => c.keyId.toLowerCase(), rule: IGNORING_CASE },
};

function appRegistration(p: Problems, o: Obj, sec: string, i: number, consume: boolean): AppRegistration {
  const credentials = array(p, o.passwordCredentials, sec, i, 'passwordCredentials');
  return {
    appId: id(p, o.appId, sec, i, 'appId'),
    displayName: str(p, o.displayName, sec, i, 'displayName'),
    passwordCredentials: eachElement(
      p,
      credentials,
      at(sec, i, 'passwordCredentials'),
      PASSWORD_CREDENTIALS,
      consume,
    ),
  };
}

export const APP_REGISTRATIONS: Section<AppRegistration> = {
  build: appRegistration,
  key: { field: 'appId', of: (a) => a.appId.toLowerCase(), rule: IGNORING_CASE },
};

const MATCHES: Section<RotationPolicy['matches'][number]> = {
  build: (p, o, sec, i) => ({
    secretId: str(p, o.secretId, sec, i, 'secretId'),
    state: oneOf(p, o.state, sec, i, 'state', MATCH_STATES, REQUIRED)!,
  }),
};

function rotationPolicy(p: Problems, o: Obj, sec: string, i: number, consume: boolean): RotationPolicy {
  const cred = nested(p, o.credential, sec, i, 'credential', REQUIRED);
  const credPath = at(sec, i, 'credential');
  const matches = array(p, o.matches, sec, i, 'matches');
  return {
    id: id(p, o.id, sec, i, 'id'),
    credential: cred
      ? { appId: str(p, cred.appId, credPath, -1, 'appId'), keyId: str(p, cred.keyId, credPath, -1, 'keyId') }
      : { appId: '', keyId: '' },
    enabled: bool(p, o.enabled, sec, i, 'enabled'),
    targetVault: strOrNull(p, o.targetVault, sec, i, 'targetVault', NULLABLE),
    matches: eachElement(p, matches, at(sec, i, 'matches'), MATCHES, consume),
  };
}

export const ROTATION_POLICIES: Section<RotationPolicy> = { build: rotationPolicy, key: byId };

function rotationEvent(p: Problems, o: Obj, sec: string, i: number): RotationEvent {
  return {
    id: id(p, o.id, sec, i, 'id'),
    credentialId: str(p, o.credentialId, sec, i, 'credentialId'),
    fullStack: bool(p, o.fullStack, sec, i, 'fullStack'),
    status: oneOf(p, o.status, sec, i, 'status', OUTCOMES, REQUIRED)!,
    startedAt: time(p, o.startedAt, sec, i, 'startedAt'),
    finishedAt: timeOrNull(p, o.finishedAt, sec, i, 'finishedAt', NULLABLE),
  };
}

export const ROTATION_EVENTS: Section<RotationEvent> = { build: rotationEvent, key: byId };
