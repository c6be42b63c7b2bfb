/**
 * Problem collection for the inventory validator: at most `maxProblems` listed as `path: message`,
 * the rest counted, with paths built only when a problem is reported (so the hot loops allocate
 * no path strings) and offending values shown short and safe.
 */
import { INVENTORY_LIMITS } from './limits.js';

export class Problems {
  readonly list: string[] = [];
  count = 0;

  add(path: string, message: string): void {
    this.count++;
    if (this.list.length < INVENTORY_LIMITS.maxProblems) this.list.push(`${path}: ${message}`);
  }

  /** The listed problems plus, when some were left out, one line that counts them. */
  finish(): string[] {
    const more = this.count - this.list.length;
    if (more <= 0) return this.list;
    return [...this.list, `… and ${more} more ${more === 1 ? 'problem' : 'problems'}`];
  }
}

const SHOWN_STRING_CHARS = 60;

/** A short, safe rendering of an offending value for a problem message. */
export function got(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return value.length > SHOWN_STRING_CHARS
        ? `${JSON.stringify(value.slice(0, SHOWN_STRING_CHARS)).slice(0, -1)}…" (${value.length} characters)`
        : JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return Array.isArray(value) ? 'an array' : 'an object';
    default:
      return `a ${typeof value}`;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `base.key`, or `base["key"]` for a key that is not an identifier. */
export function propertyPath(base: string, key: string): string {
  return IDENTIFIER.test(key) ? `${base}.${key}` : `${base}[${got(key)}]`;
}

/**
 * The path of `field` of element `i` of `sec` (`secrets[3].expires`), or of the single object
 * `sec` when `i < 0` (`syncWorker.running`).
 */
export function at(sec: string, i: number, field: string): string {
  return i < 0 ? `${sec}.${field}` : `${sec}[${i}].${field}`;
}

/** The path of element `i` of `sec`, or `sec` itself when `i < 0`. */
export function elementPath(sec: string, i: number): string {
  return i < 0 ? sec : `${sec}[${i}]`;
}
