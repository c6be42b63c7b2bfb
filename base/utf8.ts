/**
 * UTF-8 bytes of a string. One shared TextEncoder rather than `Buffer.from(text, 'utf8')`: on
 * Node 24 it encodes a flat string several times faster (about 25 ms against 170 ms for 90 MB of
 * JSON), which is most of the cost of writing a large document once its text is made.
 */
const encoder = new TextEncoder();

export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Encodes `text` into `target` from its start; returns the bytes written (as TextEncoder.encodeInto). */
export function utf8Into(text: string, target: Uint8Array): number {
  return encoder.encodeInto(text, target).written;
}
