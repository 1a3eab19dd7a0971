/**
 * A one-node ONNX model (Conv or MaxPool) written straight to protobuf bytes, so the bench can
 * hand onnxruntime-web a model without a protobuf dependency. Only the fields used are encoded;
 * field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto, TypeProto).
 */

class Writer {
  private bytes: number[] = [];

  varint(v: number): this {
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
    return this;
  }
  /** A varint field (int32, int64, enum). */
  int(field: number, v: number): this {
    return this.varint(field << 3).varint(v);
  }
  /** A length-delimited field: bytes, a string or a nested message. */
  bytesField(field: number, data: Uint8Array | number[]): this {
    this.varint((field << 3) | 2).varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }
  message(field: number, m: Writer): this {
    return this.bytesField(field, m.bytes);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const FLOAT = 1; // TensorProto.DataType
const ATTR_INT = 2;
const ATTR_INTS = 7;

function intsAttribute(name: string, values: readonly number[]): Writer {
  const a = new Writer().string(1, name);
  for (const v of values) a.int(8, v);
  return a.int(20, ATTR_INTS);
}

function intAttribute(name: string, value: number): Writer {
  return new Writer().string(1, name).int(3, value).int(20, ATTR_INT);
}

function initializer(name: string, dims: readonly number[], data: Float32Array): Writer {
  const t = new Writer();
  for (const d of dims) t.int(1, d);
  t.int(2, FLOAT).string(8, name);
  return t.bytesField(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function valueInfo(name: string, dims: readonly number[]): Writer {
  const shape = new Writer();
  for (const d of dims) shape.message(1, new Writer().int(1, d));
  const tensorType = new Writer().int(1, FLOAT).message(2, shape);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType));
}

function model(node: Writer, inits: Writer[], input: Writer, output: Writer): Uint8Array {
  const graph = new Writer().message(1, node).string(2, 'bench');
  for (const i of inits) graph.message(5, i);
  graph.message(11, input).message(12, output);
  return new Writer()
    .int(1, 8) // ir_version
    .string(2, 'conv-lens-bench')
    .message(7, graph)
    .message(8, new Writer().string(1, '').int(2, 17)) // opset 17
    .finish();
}

export interface ConvSpec {
  x: readonly number[]; // NCHW
  weight: Float32Array;
  weightDims: readonly number[]; // OIHW
  bias: Float32Array;
  y: readonly number[];
  stride: number;
  pad: number;
  groups: number;
}

/** Y = Conv(X, W, B) with W and B as initializers (so the session packs them once). */
export function convModel(s: ConvSpec): Uint8Array {
  const node = new Writer().string(1, 'X').string(1, 'W').string(1, 'B').string(2, 'Y').string(3, 'conv').string(4, 'Conv')
    .message(5, intsAttribute('kernel_shape', s.weightDims.slice(2)))
    .message(5, intsAttribute('strides', [s.stride, s.stride]))
    .message(5, intsAttribute('pads', [s.pad, s.pad, s.pad, s.pad]))
    .message(5, intsAttribute('dilations', [1, 1]))
    .message(5, intAttribute('group', s.groups));
  return model(node, [initializer('W', s.weightDims, s.weight), initializer('B', [s.bias.length], s.bias)], valueInfo('X', s.x), valueInfo('Y', s.y));
}

/** Y = MaxPool(X) with a square kernel and stride, no padding. */
export function maxPoolModel(x: readonly number[], y: readonly number[], k: number, stride: number): Uint8Array {
  const node = new Writer().string(1, 'X').string(2, 'Y').string(3, 'pool').string(4, 'MaxPool')
    .message(5, intsAttribute('kernel_shape', [k, k]))
    .message(5, intsAttribute('strides', [stride, stride]));
  return model(node, [], valueInfo('X', x), valueInfo('Y', y));
}
