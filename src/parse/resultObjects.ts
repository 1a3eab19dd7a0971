/**
 * The objects a scan result keeps (items, bindings, layer applications) are made by `new`, not as
 * object literals (and their arrays by `new Array`, not `[]` and push).
 *
 * Why: V8 pretenures an object literal's allocation site when nearly all of its objects survive a
 * scavenge, as a result's objects do while the scan builds it. Its objects are then made in the old
 * generation, pointing at young ones (the values, their shapes and literals). Once the result is
 * dropped, those dead old items still keep their young values alive through every scavenge until
 * the next full GC: each scavenge copied and promoted megabytes of dead results (4-5 ms each, and
 * Mark-Compacts after), and whether a process fell into that depended on where its first scavenges
 * fell in a scan: the bimodal 19 ms / 23-30 ms scans of issue #4. Objects made by `new` and arrays
 * made by `new Array` carry no allocation site, so they are never pretenured: a result is young
 * together and dies young together.
 */
import type { ParseError } from './errors';
import type { ItemKind } from './calls';
import type { Item, Binding } from './document';
import type { LayerReport } from './layers';
import type { TensorValue, Value } from './values';

/** A layer module applied at `offset` (`conv(X)`), with the input and output it was given. */
export class Application {
  constructor(
    readonly offset: number,
    readonly layer: LayerReport,
  ) {}
}

/** A new list of applications holding `first` (not `[first]`: see above). */
export function applicationList(first: Application): Application[] {
  const list = new Array<Application>(1);
  list[0] = first;
  return list;
}

/**
 * An item. Every field a common item has is set here, absent ones as undefined, so that all items
 * share one hidden class; the rare ones (size, error, parseError) are added when there.
 */
export class ScanItem implements Item {
  tensor: TensorValue | undefined;
  layer: LayerReport | undefined;
  applications: Application[] | undefined;
  boundAt: Binding | undefined;
  declare size?: number[];
  declare error?: string;
  declare parseError?: ParseError;
  constructor(
    readonly kind: ItemKind,
    public start: number,
    public end: number,
    public name: string | null,
    readonly form: string,
    tensor?: TensorValue,
    layer?: LayerReport,
    boundAt?: Binding,
    applications?: Application[],
  ) {
    this.tensor = tensor;
    this.layer = layer;
    this.applications = applications;
    this.boundAt = boundAt;
  }
}

/** A name's binding in a scope. */
export class ScopeBinding implements Binding {
  constructor(
    readonly name: string,
    readonly value: Value,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
    readonly item?: number,
    readonly segment?: number,
  ) {}
}

/** `b` holding another value (an augmented or item assignment changed what the name holds). */
export function rebound(b: Binding, value: Value): ScopeBinding {
  return new ScopeBinding(b.name, value, b.offset, b.line, b.column, b.item, b.segment);
}

/** Items per chunk of an ItemList: 32 KB of pointers, far from the 128 KB where large-object space starts. */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;

/**
 * A scan's items while it runs, in chunks, so that no array of them is a large object. One array
 * grown by push passed 16,380 elements (128 KB) at about 14,000 items and was moved to large-object
 * space, which a scavenge promotes to the old generation whole; once its scan was dropped, that dead
 * old array still kept every item (and all they point to) alive through the next scavenges until a
 * full GC: 3.5 MB promoted every few scans of the 10,000-line bench, 4 ms scavenges instead of 1.
 * The result's own array is made at its exact size at the end (still large past 16,380 items).
 */
export class ItemList {
  private readonly chunks = new Array<Item[]>();
  length = 0;

  /** Adds `item`; its index. */
  push(item: Item): number {
    const slot = this.length & (CHUNK - 1);
    const last = slot !== 0 ? this.chunks[this.chunks.length - 1] : this.newChunk();
    last[slot] = item;
    return this.length++;
  }

  /** The item at `index`; undefined past the end, as an array's index is (a layer bound in an earlier cell has another cell's index). */
  get(index: number): Item {
    if (index < 0 || index >= this.length) return undefined as unknown as Item;
    return this.chunks[index >> CHUNK_BITS][index & (CHUNK - 1)];
  }

  /** All the items, in one array of the exact size. */
  toArray(): Item[] {
    const out = new Array<Item>(this.length);
    let k = 0;
    for (const chunk of this.chunks) for (let i = 0; i < chunk.length && k < this.length; i++) out[k++] = chunk[i];
    return out;
  }

  /** A chunk made at its full size (filled by index: grown by push, each made and dropped a dozen smaller ones first). */
  private newChunk(): Item[] {
    const chunk = new Array<Item>(CHUNK);
    this.chunks.push(chunk);
    return chunk;
  }
}
