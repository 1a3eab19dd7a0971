/**
 * The peers, each behind the same `Runner` shape: TensorFlow.js (cpu and wasm backends) and
 * onnxruntime-web (wasm, 1 or 2 threads). Weights are uploaded or packed and sessions created in
 * `prepare`, outside the timing; the timed call takes NCHW float32 in and gives NCHW float32 out,
 * so layout conversions a peer needs are inside the timing, as in ../shared/notes/performance.md.
 */
import { join, dirname } from 'node:path';
import { convModel, maxPoolModel } from './onnx';
import { convData, outSize, poolInput, type Workload } from './workloads';

export interface Runner {
  readonly engine: string;
  /** Builds what a workload needs and returns the call to time (null: not supported). */
  prepare(w: Workload): Promise<(() => unknown) | null>;
  /** Frees what `prepare` made for the last workload. */
  release(): void;
}

/** Silences a library's console chatter while it loads. */
async function quietly<T>(load: () => Promise<T>): Promise<T> {
  const { log, warn } = console;
  console.log = console.warn = () => {};
  try {
    return await load();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

type Tf = typeof import('@tensorflow/tfjs-core');
let tfLoaded: Promise<Tf> | undefined;

function loadTf(): Promise<Tf> {
  return (tfLoaded ??= quietly(async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
    return tf;
  }));
}

/** TensorFlow.js on `backend` ('cpu' or 'wasm'); it computes in NHWC, so the call transposes in and out. */
export function tfjsRunner(backend: 'cpu' | 'wasm'): Runner {
  let kept: { dispose(): void }[] = [];
  return {
    engine: backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm',
    async prepare(w) {
      const tf = await loadTf();
      if (tf.getBackend() !== backend) {
        // The first tensor on a backend prints a banner; let that happen quietly, outside the timing.
        await quietly(async () => {
          await tf.setBackend(backend);
          tf.tensor1d([0]).dispose();
        });
      }
      if (w.kind === 'maxpool') {
        const x = poolInput(w);
        return () => {
          const y = tf.tidy(() => {
            const nhwc = tf.transpose(tf.tensor4d(x, [w.n, w.c, w.h, w.w]), [0, 2, 3, 1]) as import('@tensorflow/tfjs-core').Tensor4D;
            return tf.transpose(tf.maxPool(nhwc, w.k, w.stride, 'valid'), [0, 3, 1, 2]);
          });
          const data = y.dataSync();
          y.dispose();
          return data;
        };
      }
      const d = convData(w);
      const cig = w.cin / w.groups;
      const depthwise = w.groups > 1;
      if (depthwise && !(w.groups === w.cin && w.cout === w.cin)) return null;
      // OIHW → HWIO (conv) or HW·C·1 (depthwise), uploaded once.
      const filter = depthwise
        ? tf.transpose(tf.tensor4d(d.weight, [w.cout, 1, w.k, w.k]), [2, 3, 0, 1])
        : tf.transpose(tf.tensor4d(d.weight, [w.cout, cig, w.k, w.k]), [2, 3, 1, 0]);
      const bias = tf.tensor1d(d.bias);
      kept = [filter, bias];
      const f4 = filter as import('@tensorflow/tfjs-core').Tensor4D;
      return () => {
        const y = tf.tidy(() => {
          const nhwc = tf.transpose(tf.tensor4d(d.x, [w.n, w.cin, w.h, w.w]), [0, 2, 3, 1]) as import('@tensorflow/tfjs-core').Tensor4D;
          const args = { x: nhwc, filter: f4, bias, strides: w.stride, pad: w.pad } as const;
          const out = depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
          return tf.transpose(out, [0, 3, 1, 2]);
        });
        const data = y.dataSync();
        y.dispose();
        return data;
      };
    },
    release() {
      for (const t of kept) t.dispose();
      kept = [];
    },
  };
}

type Ort = typeof import('onnxruntime-web');
let ortLoaded: Promise<Ort> | undefined;

/**
 * onnxruntime-web's wasm backend with `threads` threads. The thread count is fixed when its
 * runtime starts, so one process can only measure one count (index.ts runs t2 in a child).
 */
export function ortRunner(threads: number): Runner {
  let session: import('onnxruntime-web').InferenceSession | undefined;
  return {
    engine: `onnxruntime-web t${threads}`,
    async prepare(w) {
      const ort = await (ortLoaded ??= import('onnxruntime-web'));
      ort.env.wasm.numThreads = threads;
      ort.env.logLevel = 'error';
      let bytes: Uint8Array;
      let x: Float32Array;
      let dims: number[];
      if (w.kind === 'maxpool') {
        dims = [w.n, w.c, w.h, w.w];
        x = poolInput(w);
        const o = outSize(w.h, w.k, w.stride, 0);
        bytes = maxPoolModel(dims, [w.n, w.c, o, o], w.k, w.stride);
      } else {
        const d = convData(w);
        dims = [w.n, w.cin, w.h, w.w];
        x = d.x;
        const o = outSize(w.h, w.k, w.stride, w.pad);
        bytes = convModel({
          x: dims, weight: d.weight, weightDims: [w.cout, w.cin / w.groups, w.k, w.k], bias: d.bias,
          y: [w.n, w.cout, o, o], stride: w.stride, pad: w.pad, groups: w.groups,
        });
      }
      const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      session = s;
      return async () => {
        const out = await s.run({ X: new ort.Tensor('float32', x, dims) });
        const y = out.Y;
        const data = y.data;
        y.dispose();
        return data;
      };
    },
    release() {
      void session?.release();
      session = undefined;
    },
  };
}
