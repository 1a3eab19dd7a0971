import * as assert from 'node:assert/strict';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { serveHelper, ThreadPool, type HelperStart } from '../../src/engine/fast/parallel';
import { winogradApplies } from '../../src/engine/fast/winograd';
import { check, info, naiveConv, randomOperands, randomShape, rng, type Shape } from './fastCases';

// This file is also the helper thread's entry: started as a worker, it serves the pool.
const helper = (workerData as { helper?: HelperStart } | null)?.helper;
if (!isMainThread && helper) {
  serveHelper(helper);
} else {
  describe('engine/fast: conv split across threads sharing a WebAssembly memory', function () {
    let pool: ThreadPool | null = null;
    const workers: Worker[] = [];

    before(async function () {
      pool = ThreadPool.create({ spawn: (start) => workers.push(new Worker(__filename, { workerData: { helper: start } })) }, 2);
      assert.ok(pool, 'Node has shared WebAssembly memory');
      const started = Date.now();
      while (pool.ready < 2 && Date.now() - started < 10000) await new Promise((r) => setTimeout(r, 5));
      assert.equal(pool.ready, 2);
    });

    after(async function () {
      pool?.stop();
      await Promise.all(workers.map((w) => w.terminate()));
    });

    it('gives the definition on random shapes (groups, batch, strides, padding, both GEMM modes)', () => {
      const r = rng(11);
      for (let t = 0; t < 60; t++) {
        const s = randomShape(r, false);
        const c = info(s);
        if (c.outHeight < 1 || c.outWidth < 1) continue;
        const { x, w, b } = randomOperands(r, s, c, 'maybe');
        const want = naiveConv(c, x, w, b);
        for (const callerWorks of [true, false]) {
          const y = new Float32Array(want.y.length).fill(NaN);
          pool!.conv(c, x, w, b, y, callerWorks);
          check(`threads case ${t} ${JSON.stringify(s)}${callerWorks ? '' : ' (helpers only)'}`, y, want);
        }
      }
    });

    it('many tasks per image and a heap that grows between calls, Winograd too', () => {
      const r = rng(12);
      const shapes: Shape[] = [
        { n: 2, cin: 6, h: 90, w: 70, cout: 40, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 2 },
        { n: 1, cin: 3, h: 160, w: 161, cout: 24, kh: 5, kw: 5, sh: 2, sw: 2, dh: 1, dw: 1, pt: 2, pb: 2, pl: 2, pr: 2, groups: 1 },
        // Winograd: blocks of tile rows as tasks, 3×3 with a half tile at the end, then 5×5 in 4 subs.
        { n: 2, cin: 12, h: 41, w: 37, cout: 20, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pb: 1, pl: 1, pr: 1, groups: 1 },
        { n: 1, cin: 20, h: 36, w: 30, cout: 16, kh: 5, kw: 5, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pb: 0, pl: 0, pr: 0, groups: 1 },
      ];
      for (const s of shapes) {
        const c = info(s);
        assert.equal(winogradApplies(c), s.sh === 1 && s.groups === 1, JSON.stringify(s));
        const { x, w, b } = randomOperands(r, s, c, 'always');
        const want = naiveConv(c, x, w, b);
        for (const callerWorks of [true, false]) {
          const y = new Float32Array(want.y.length).fill(NaN);
          pool!.conv(c, x, w, b, y, callerWorks);
          check(`threads ${JSON.stringify(s)}${callerWorks ? '' : ' (helpers only)'}`, y, want);
        }
      }
    });
  });
}
