/**
 * Finds the secret a Key Vault reference points at, by vault and name, without allocating:
 * VM001 and VM003 resolve every app setting and dependency (about two million references on a
 * million-asset tenant), and Map look-ups on freshly sliced, lowercased strings dominated the
 * whole evaluation. Here a reference is hashed straight from its characters into an
 * open-addressing table of secret positions, and a hit is confirmed character by character.
 *
 * Matching is case-insensitive (ASCII), ignores any version segment, trailing slash, port and
 * DNS suffix: vault names are globally unique DNS labels, so vault + name identifies a secret.
 * A host that is not `<vault>.<suffix>` (an emulator, a private DNS name, 127.0.0.1:port) is
 * resolved through the vault's own URI instead: its scheme, host and port name one vault.
 */
import type { Secret, Vault } from '../inventory/types.js';

const SLASH = 47;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function lower(ch: number): number {
  return ch >= 65 && ch <= 90 ? ch + 32 : ch;
}

function hashRange(h: number, s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ lower(s.charCodeAt(i)), FNV_PRIME);
  return h;
}

function keyHash(
  vault: string,
  vFrom: number,
  vTo: number,
  name: string,
  nFrom: number,
  nTo: number,
): number {
  const h = hashRange(FNV_OFFSET, vault, vFrom, vTo);
  return hashRange(Math.imul(h ^ SLASH, FNV_PRIME), name, nFrom, nTo) >>> 0;
}

function sameRange(a: string, b: string, bFrom: number, bTo: number): boolean {
  if (a.length !== bTo - bFrom) return false;
  for (let i = 0; i < a.length; i++)
    if (lower(a.charCodeAt(i)) !== lower(b.charCodeAt(bFrom + i))) return false;
  return true;
}

/** Where vault label and secret name sit in a secret URL; `ok` false when it is not one. */
interface Ranges {
  ok: boolean;
  vFrom: number;
  vTo: number;
  nFrom: number;
  nTo: number;
}

/** Fills `r` from a secret URL (`https://<vault>.<domain>[:port]/secrets/<name>[/<version>]`). */
function locate(url: string, r: Ranges): Ranges {
  r.ok = false;
  const scheme = url.indexOf('://');
  if (scheme < 0) return r;
  const hostStart = scheme + 3;
  const pathStart = url.indexOf('/', hostStart);
  if (pathStart < 0) return r;
  let labelEnd = hostStart;
  while (labelEnd < pathStart) {
    const ch = url.charCodeAt(labelEnd);
    if (ch === 46 || ch === 58) break; // '.' or ':'
    labelEnd++;
  }
  const kindEnd = pathStart + 8; // "/secrets"
  if (url.charCodeAt(kindEnd) !== SLASH || !sameRange('/secrets', url, pathStart, kindEnd)) return r;
  let nameEnd = kindEnd + 1;
  while (nameEnd < url.length) {
    const ch = url.charCodeAt(nameEnd);
    if (ch === SLASH || ch === 63 || ch === 35) break; // '/', '?', '#'
    nameEnd++;
  }
  if (labelEnd === hostStart || nameEnd === kindEnd + 1) return r;
  r.ok = true;
  r.vFrom = hostStart;
  r.vTo = labelEnd;
  r.nFrom = kindEnd + 1;
  r.nTo = nameEnd;
  return r;
}

export interface SecretLookup {
  /** Position in `secrets` of the secret the URL refers to, or -1. */
  find(url: string): number;
}

/**
 * `scheme://host[:port]` of a URL, lowercased, without the scheme's default port; null when it
 * is not an absolute http(s) URL.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  // URL.origin already drops a default port and lowercases the host.
  return parsed.origin;
}

/** Vault name by the origin of its URI; an origin that two vaults share names neither. */
function vaultsByOrigin(vaults: readonly Pick<Vault, 'name' | 'vaultUri'>[]): Map<string, string | null> {
  const byOrigin = new Map<string, string | null>();
  for (const v of vaults) {
    const origin = originOf(v.vaultUri);
    if (origin === null) continue;
    byOrigin.set(origin, byOrigin.has(origin) && byOrigin.get(origin) !== v.name ? null : v.name);
  }
  return byOrigin;
}

export function buildSecretLookup(
  secrets: readonly Pick<Secret, 'vault' | 'name'>[],
  vaults: readonly Pick<Vault, 'name' | 'vaultUri'>[] = [],
): SecretLookup {
  let size = 16;
  while (size < secrets.length * 2) size *= 2;
  const mask = size - 1;
  // Slot holds position + 1; 0 is empty.
  const slots = new Int32Array(size);
  for (let i = 0; i < secrets.length; i++) {
    const s = secrets[i]!;
    let slot = keyHash(s.vault, 0, s.vault.length, s.name, 0, s.name.length) & mask;
    let duplicate = false;
    while (slots[slot] !== 0) {
      const other = secrets[slots[slot]! - 1]!;
      if (
        sameRange(other.vault, s.vault, 0, s.vault.length) &&
        sameRange(other.name, s.name, 0, s.name.length)
      ) {
        duplicate = true;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (!duplicate) slots[slot] = i + 1;
  }
  const byOrigin = vaultsByOrigin(vaults);
  const r: Ranges = { ok: false, vFrom: 0, vTo: 0, nFrom: 0, nTo: 0 };
  /** Position of the secret `name[nFrom, nTo)` in the vault `vault[vFrom, vTo)`, or -1. */
  const probe = (vault: string, vFrom: number, vTo: number, name: string, nFrom: number, nTo: number) => {
    let slot = keyHash(vault, vFrom, vTo, name, nFrom, nTo) & mask;
    for (;;) {
      const entry = slots[slot]!;
      if (entry === 0) return -1;
      const s = secrets[entry - 1]!;
      if (sameRange(s.vault, vault, vFrom, vTo) && sameRange(s.name, name, nFrom, nTo)) return entry - 1;
      slot = (slot + 1) & mask;
    }
  };
  return {
    find(url: string): number {
      if (!locate(url, r).ok) return -1;
      const byLabel = probe(url, r.vFrom, r.vTo, url, r.nFrom, r.nTo);
      // The origin is parsed only on a miss: the label path allocates nothing, and is the common case.
      if (byLabel >= 0 || byOrigin.size === 0) return byLabel;
      const origin = originOf(url.slice(0, url.indexOf('/', url.indexOf('://') + 3)));
      const vault = origin === null ? null : byOrigin.get(origin);
      return vault ? probe(vault, 0, vault.length, url, r.nFrom, r.nTo) : -1;
    },
  };
}
