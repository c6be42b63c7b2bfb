/**
 * Text for the PDF reports: making any string drawable with the standard fonts, and measuring,
 * cutting and wrapping it without asking pdf-lib to re-encode the same string again and again.
 */
import type { PDFFont } from 'pdf-lib';

/**
 * Typographic characters mapped to ASCII. Most of them are encodable in WinAnsi, but a reader who
 * searches or copies the PDF types plain ASCII, and the CSV next to it is compared by eye: the
 * PDF should read like the CSV, not like a typeset book.
 */
const REPLACEMENTS = new Map<number, string>([
  [0x00a0, ' '], // no-break space
  [0x00ad, ''], // soft hyphen: invisible unless the line breaks there
  [0x2010, '-'],
  [0x2011, '-'],
  [0x2012, '-'],
  [0x2013, '-'],
  [0x2014, '--'],
  [0x2015, '--'],
  [0x2212, '-'],
  [0x2018, "'"],
  [0x2019, "'"],
  [0x201a, ','],
  [0x201b, "'"],
  [0x2032, "'"],
  [0x201c, '"'],
  [0x201d, '"'],
  [0x201e, '"'],
  [0x201f, '"'],
  [0x2033, '"'],
  [0x2039, '<'],
  [0x203a, '>'],
  [0x2026, '...'],
  [0x2190, '<-'],
  [0x2192, '->'],
  [0x2194, '<->'],
  [0x21d0, '<='],
  [0x21d2, '=>'],
  [0x2264, '<='],
  [0x2265, '>='],
  [0x2260, '!='],
  [0x2248, '~'],
  [0x2713, 'v'],
  [0x2714, 'v'],
  [0x2717, 'x'],
  [0x2718, 'x'],
  [0x2044, '/'],
  [0x2215, '/'],
]);

/**
 * WinAnsiEncoding beyond Latin-1: Unicode code point → byte. Latin-1 (U+00A0–U+00FF) maps to the
 * same byte, so together these are everything Helvetica and Courier can show in pdf-lib.
 */
const WIN_ANSI_BYTES = new Map<number, number>([
  [0x20ac, 0x80],
  [0x201a, 0x82],
  [0x0192, 0x83],
  [0x201e, 0x84],
  [0x2026, 0x85],
  [0x2020, 0x86],
  [0x2021, 0x87],
  [0x02c6, 0x88],
  [0x2030, 0x89],
  [0x0160, 0x8a],
  [0x2039, 0x8b],
  [0x0152, 0x8c],
  [0x017d, 0x8e],
  [0x2018, 0x91],
  [0x2019, 0x92],
  [0x201c, 0x93],
  [0x201d, 0x94],
  [0x2022, 0x95],
  [0x2013, 0x96],
  [0x2014, 0x97],
  [0x02dc, 0x98],
  [0x2122, 0x99],
  [0x0161, 0x9a],
  [0x203a, 0x9b],
  [0x0153, 0x9c],
  [0x017e, 0x9e],
  [0x0178, 0x9f],
]);

/** Invisible formatting (zero-width, bidi controls, variation selectors, BOM): dropped, not '?'. */
function isInvisible(cp: number): boolean {
  return (
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2069) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff
  );
}

function isSpace(cp: number): boolean {
  return (
    cp === 0x09 ||
    cp === 0x0a ||
    cp === 0x0b ||
    cp === 0x0c ||
    cp === 0x0d ||
    cp === 0x85 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

/** True when Helvetica / Helvetica-Bold / Courier under WinAnsi can draw this code point. */
export function isEncodable(cp: number): boolean {
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || WIN_ANSI_BYTES.has(cp);
}

const PLAIN = /^[\x20-\x7e]*$/;

/** Any value as display text: `null`/`undefined` as empty, everything else through `String`. */
export function str(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    // Objects with a throwing toString or a null prototype: the report must still render.
    return '?';
  }
}

/**
 * One line of drawable text: every whitespace character (including line breaks) becomes a space, common
 * typography becomes ASCII, and anything the standard fonts cannot encode becomes '?', so no
 * input can make pdf-lib throw.
 */
export function sanitizeLine(value: unknown): string {
  const s = str(value);
  if (PLAIN.test(s)) return s;
  let out = '';
  // NFC first so a decomposed "e" + acute accent becomes the encodable "é", not "e?".
  for (const ch of s.normalize('NFC')) {
    const cp = ch.codePointAt(0) ?? 0x3f;
    if (isSpace(cp)) out += ' ';
    else if (!isInvisible(cp)) out += REPLACEMENTS.get(cp) ?? (isEncodable(cp) ? ch : '?');
  }
  return out;
}

/** Drawable paragraphs: line breaks in the input start new paragraphs instead of vanishing. */
export function sanitizeParagraphs(value: unknown): string[] {
  return str(value)
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    .map((p) => sanitizeLine(p).trim());
}

export const ELLIPSIS = '...';

const LITERAL_SAFE = /^[\x20-\x27\x2a-\x5b\x5d-\x7e]*$/;

/**
 * Sanitised text as a PDF literal string of WinAnsi bytes (one JS char per byte). Written by hand
 * because pdf-lib's `encodeText` builds a hex string glyph by glyph, the slowest part of drawing a
 * large table, and doubles the size of every string.
 */
export function pdfLiteral(s: string): string {
  if (LITERAL_SAFE.test(s)) return `(${s})`;
  let out = '(';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x28 || c === 0x29 || c === 0x5c) out += '\\' + s[i];
    else if ((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff)) out += s[i];
    else out += String.fromCharCode(WIN_ANSI_BYTES.get(c) ?? 0x3f);
  }
  return out + ')';
}

/**
 * Widths of sanitised text in one font. pdf-lib's `widthOfTextAtSize` re-encodes the string on
 * every call and adds kerning that `Tj` never applies; a per-character table is both faster and
 * closer to what is drawn.
 */
export class Metrics {
  // Sanitised text never holds a code unit above U+2122 (™), the highest WinAnsi character.
  private readonly table = new Float64Array(0x2200).fill(-1);

  constructor(readonly font: PDFFont) {}

  /** Width of one UTF-16 code unit at size 1. */
  char(code: number): number {
    if (code < this.table.length) {
      const known = this.table[code] ?? -1;
      if (known >= 0) return known;
    }
    let w: number;
    try {
      w = this.font.widthOfTextAtSize(String.fromCharCode(code), 1);
    } catch {
      w = this.font.widthOfTextAtSize('?', 1);
    }
    if (code < this.table.length) this.table[code] = w;
    return w;
  }

  /** Width at `size`; stops counting once past `limit` (a long cell only needs to be known as long). */
  width(s: string, size: number, limit = Infinity): number {
    const max = limit / size;
    let w = 0;
    for (let i = 0; i < s.length; i++) {
      w += this.char(s.charCodeAt(i));
      if (w > max) break;
    }
    return w * size;
  }

  /** `s` cut to `maxWidth` with an ellipsis; returned unchanged when it fits. */
  fit(s: string, size: number, maxWidth: number): string {
    if (this.width(s, size, maxWidth) <= maxWidth) return s;
    const budget = maxWidth / size - this.width(ELLIPSIS, 1);
    if (budget < 0) return '';
    let w = 0;
    let i = 0;
    for (; i < s.length; i++) {
      const cw = this.char(s.charCodeAt(i));
      if (w + cw > budget) break;
      w += cw;
    }
    return s.slice(0, i).trimEnd() + ELLIPSIS;
  }

  /** Greedy word wrap of one sanitised paragraph; words wider than a line are split. Never empty. */
  wrap(s: string, size: number, maxWidth: number): string[] {
    const max = Math.max(maxWidth, 1) / size;
    const space = this.char(0x20);
    const lines: string[] = [];
    let line = '';
    let lineW = 0;
    for (const word of s.split(' ')) {
      if (word === '') continue;
      const wordW = this.width(word, 1);
      if (line !== '' && lineW + space + wordW <= max) {
        line += ' ' + word;
        lineW += space + wordW;
        continue;
      }
      if (line !== '') lines.push(line);
      if (wordW <= max) {
        line = word;
        lineW = wordW;
        continue;
      }
      // A word wider than the line (a hash, a URL, 5,000 characters without a space): split it,
      // taking at least one character per line so the loop always advances.
      let start = 0;
      let w = 0;
      for (let i = 0; i < word.length; i++) {
        const cw = this.char(word.charCodeAt(i));
        if (i > start && w + cw > max) {
          lines.push(word.slice(start, i));
          start = i;
          w = 0;
        }
        w += cw;
      }
      line = word.slice(start);
      lineW = w;
    }
    if (line !== '' || lines.length === 0) lines.push(line);
    return lines;
  }
}
