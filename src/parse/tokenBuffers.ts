/**
 * The typed arrays a document scan fills with its tokens, lent from one scan to the next: making and
 * zeroing them cost about 0.4 ms per 10,000-line scan. No result keeps them (results hold values and
 * offsets of their own), so a scan hands them back when it is done; a scan that finds them lent out
 * (none does today: scans do not nest) gets new ones.
 */
export class TokenBuffers {
  readonly kinds: Uint8Array;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly first: Uint8Array;
  readonly space: Uint8Array;
  /** Keyword or operator code per token (0: neither). */
  readonly codes: Uint16Array;
  /** Index of the matching bracket, or -1. */
  readonly match: Int32Array;
  /** The bracket matcher's stack. */
  readonly stack: Int32Array;

  constructor(readonly capacity: number) {
    this.kinds = new Uint8Array(capacity);
    this.starts = new Uint32Array(capacity);
    this.ends = new Uint32Array(capacity);
    this.first = new Uint8Array(capacity);
    this.space = new Uint8Array(capacity);
    this.codes = new Uint16Array(capacity);
    this.match = new Int32Array(capacity);
    this.stack = new Int32Array(capacity);
  }

  /** Twice the capacity, holding the first `count` tokens' kinds, starts, ends, first and space. */
  grown(count: number): TokenBuffers {
    const b = new TokenBuffers(this.capacity * 2);
    b.kinds.set(this.kinds.subarray(0, count));
    b.starts.set(this.starts.subarray(0, count));
    b.ends.set(this.ends.subarray(0, count));
    b.first.set(this.first.subarray(0, count));
    b.space.set(this.space.subarray(0, count));
    return b;
  }
}

/** Buffers for more tokens than this (about 800 KB of code; 5.5 MB of buffers) are not kept after their scan. */
const KEEP_CAPACITY = 1 << 18;

let spare: TokenBuffers | undefined;

/** Buffers for at least `capacity` tokens; their contents are whatever the last scan left. */
export function borrowTokenBuffers(capacity: number): TokenBuffers {
  const b = spare && spare.capacity >= capacity ? spare : new TokenBuffers(capacity);
  spare = undefined;
  return b;
}

/** Hands buffers back when the scan is done with them. */
export function returnTokenBuffers(b: TokenBuffers): void {
  if (b.capacity <= KEEP_CAPACITY) spare = b;
}
