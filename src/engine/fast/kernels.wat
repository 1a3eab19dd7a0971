;; Conv Lens float32 kernels: WebAssembly SIMD (128-bit), assembled at build time by
;; scripts/build/wasm-kernels.mjs into kernels.generated.ts (a plain and a shared-memory variant).
;;
;; All pointers and strides are byte offsets into the imported memory. The TypeScript drivers
;; (gemmConv.ts, depthwise.ts, maxPool.ts) lay out the buffers; the kernels never allocate.
;; Several kernels write (and read) up to one vector past the end of a row: rows are processed in
;; address order so the next row overwrites the spill, and the drivers leave slack after a buffer.
(module
  (import "env" "memory" (memory $mem 1 65536))

  ;; C[4×8] = (first ? bias rows : C) + A·B over kc steps. A is a 4-row panel stored k-major
  ;; (4 floats per k), B an 8-column panel (8 floats per k). 4×8 is the largest tile whose eight
  ;; f32x4 accumulators, two B vectors and a broadcast stay in V8's 16 SIMD registers.
  (func $tile (param $a i32) (param $b i32) (param $kc i32) (param $c i32) (param $ldc i32)
              (param $bias i32) (param $first i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local.set $r1 (i32.add (local.get $c) (local.get $ldc)))
    (local.set $r2 (i32.add (local.get $r1) (local.get $ldc)))
    (local.set $r3 (i32.add (local.get $r2) (local.get $ldc)))
    (if (local.get $first)
      (then
        (local.set $c00 (v128.load32_splat (local.get $bias)))
        (local.set $c01 (local.get $c00))
        (local.set $c10 (v128.load32_splat offset=4 (local.get $bias)))
        (local.set $c11 (local.get $c10))
        (local.set $c20 (v128.load32_splat offset=8 (local.get $bias)))
        (local.set $c21 (local.get $c20))
        (local.set $c30 (v128.load32_splat offset=12 (local.get $bias)))
        (local.set $c31 (local.get $c30)))
      (else
        (local.set $c00 (v128.load (local.get $c)))
        (local.set $c01 (v128.load offset=16 (local.get $c)))
        (local.set $c10 (v128.load (local.get $r1)))
        (local.set $c11 (v128.load offset=16 (local.get $r1)))
        (local.set $c20 (v128.load (local.get $r2)))
        (local.set $c21 (v128.load offset=16 (local.get $r2)))
        (local.set $c30 (v128.load (local.get $r3)))
        (local.set $c31 (v128.load offset=16 (local.get $r3)))))
    (loop $k
      (local.set $b0 (v128.load (local.get $b)))
      (local.set $b1 (v128.load offset=16 (local.get $b)))
      (local.set $av (v128.load32_splat (local.get $a)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=4 (local.get $a)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=8 (local.get $a)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=12 (local.get $a)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (v128.store (local.get $r1) (local.get $c10))
    (v128.store offset=16 (local.get $r1) (local.get $c11))
    (v128.store (local.get $r2) (local.get $c20))
    (v128.store offset=16 (local.get $r2) (local.get $c21))
    (v128.store (local.get $r3) (local.get $c30))
    (v128.store offset=16 (local.get $r3) (local.get $c31)))

  ;; $tile without packing B: row k of the panel is the 8 floats at src + koff[k] (stride 1 along
  ;; the width, so 8 neighbouring outputs of one row read 8 neighbouring inputs). One more load
  ;; and add per k than $tile, but no packing pass: the better deal when C_out is small. The A
  ;; panel carries koff[k] in front of each k's 4 weights (20 bytes per k): one pointer to step
  ;; instead of two, and the loop is bound by instruction issue, not by the multiplies.
  (func $tile_rows (param $a i32) (param $src i32) (param $kc i32) (param $c i32)
                   (param $ldc i32) (param $bias i32) (param $first i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $b i32)
    (local.set $r1 (i32.add (local.get $c) (local.get $ldc)))
    (local.set $r2 (i32.add (local.get $r1) (local.get $ldc)))
    (local.set $r3 (i32.add (local.get $r2) (local.get $ldc)))
    (if (local.get $first)
      (then
        (local.set $c00 (v128.load32_splat (local.get $bias)))
        (local.set $c01 (local.get $c00))
        (local.set $c10 (v128.load32_splat offset=4 (local.get $bias)))
        (local.set $c11 (local.get $c10))
        (local.set $c20 (v128.load32_splat offset=8 (local.get $bias)))
        (local.set $c21 (local.get $c20))
        (local.set $c30 (v128.load32_splat offset=12 (local.get $bias)))
        (local.set $c31 (local.get $c30)))
      (else
        (local.set $c00 (v128.load (local.get $c)))
        (local.set $c01 (v128.load offset=16 (local.get $c)))
        (local.set $c10 (v128.load (local.get $r1)))
        (local.set $c11 (v128.load offset=16 (local.get $r1)))
        (local.set $c20 (v128.load (local.get $r2)))
        (local.set $c21 (v128.load offset=16 (local.get $r2)))
        (local.set $c30 (v128.load (local.get $r3)))
        (local.set $c31 (v128.load offset=16 (local.get $r3)))))
    (loop $k
      (local.set $b (i32.add (local.get $src) (i32.load (local.get $a))))
      (local.set $b0 (v128.load (local.get $b)))
      (local.set $b1 (v128.load offset=16 (local.get $b)))
      (local.set $av (v128.load32_splat offset=4 (local.get $a)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=8 (local.get $a)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=12 (local.get $a)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=16 (local.get $a)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $a (i32.add (local.get $a) (i32.const 20)))
      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (v128.store (local.get $r1) (local.get $c10))
    (v128.store offset=16 (local.get $r1) (local.get $c11))
    (v128.store (local.get $r2) (local.get $c20))
    (v128.store offset=16 (local.get $r2) (local.get $c21))
    (v128.store (local.get $r3) (local.get $c30))
    (v128.store offset=16 (local.get $r3) (local.get $c31)))


  ;; One output row segment of a stride-1 conv for 4·mt output channels: 8·nt outputs starting at
  ;; the image position src, written to C (rows ldc bytes apart). The last panel may run past the
  ;; row; its spill lands where the next call writes, or in C's padding.
  (func (export "conv_rows") (param $a i32) (param $src i32) (param $koff i32) (param $kc i32)
                             (param $mt i32) (param $nt i32) (param $c i32) (param $ldc i32)
                             (param $bias i32) (param $first i32)
    (local $j i32) (local $sp i32) (local $cp i32)
    (loop $rows
      (local.set $sp (local.get $src))
      (local.set $cp (local.get $c))
      (local.set $j (local.get $nt))
      (loop $cols
        (call $tile_rows (local.get $a) (local.get $sp) (local.get $kc) (local.get $cp)
                         (local.get $ldc) (local.get $bias) (local.get $first))
        (local.set $sp (i32.add (local.get $sp) (i32.const 32)))
        (local.set $cp (i32.add (local.get $cp) (i32.const 32)))
        (br_if $cols (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
      (local.set $a (i32.add (local.get $a) (i32.mul (local.get $kc) (i32.const 20))))
      (local.set $c (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 2))))
      (local.set $bias (i32.add (local.get $bias) (i32.const 16)))
      (br_if $rows (local.tee $mt (i32.sub (local.get $mt) (i32.const 1))))))

  ;; C[4·mt × 8·nt] (+)= packed A block · packed B block. Row panels outside, so one A panel
  ;; (4·kc floats) stays in L1 while the B block streams from L2.
  (func (export "gemm") (param $a i32) (param $b i32) (param $kc i32) (param $mt i32) (param $nt i32)
                        (param $c i32) (param $ldc i32) (param $bias i32) (param $first i32)
    (local $j i32) (local $bp i32) (local $cp i32)
    (loop $rows
      (local.set $bp (local.get $b))
      (local.set $cp (local.get $c))
      (local.set $j (local.get $nt))
      (loop $cols
        (call $tile (local.get $a) (local.get $bp) (local.get $kc) (local.get $cp) (local.get $ldc)
                    (local.get $bias) (local.get $first))
        (local.set $bp (i32.add (local.get $bp) (i32.shl (local.get $kc) (i32.const 5))))
        (local.set $cp (i32.add (local.get $cp) (i32.const 32)))
        (br_if $cols (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
      (local.set $a (i32.add (local.get $a) (i32.shl (local.get $kc) (i32.const 4))))
      (local.set $c (i32.add (local.get $c) (i32.shl (local.get $ldc) (i32.const 2))))
      (local.set $bias (i32.add (local.get $bias) (i32.const 16)))
      (br_if $rows (local.tee $mt (i32.sub (local.get $mt) (i32.const 1))))))

  ;; Winograd F(2×2, 3×3) (winograd.ts): a 3×3 tap block costs 16 multiplies per 2×2 outputs
  ;; instead of 36. Input transform for one row of tiles, 4 neighbouring tiles per step:
  ;; V = Bᵀ·d·B of each tile's 4×4 input patch d, Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
  ;; The image is split into column phases, so column j of the patches of 4 tiles (2 columns
  ;; apart) is 4 neighbouring floats: at p0 (j = 0), p1 (j = 1), p0 + 4 (j = 2), p1 + 4 (j = 3).
  ;; Element ξ (0..15) of tile column col (col0 + 4·step + t) for plane k goes to
  ;; dst + ξ·xiStep + (col div 8)·panelStep + k·32 + (col mod 8)·4: per ξ, gemm's packed B panels.
  (func (export "wino_in") (param $dst i32) (param $p0 i32) (param $p1 i32) (param $planes i32)
                           (param $planeStep i32) (param $rowStep i32) (param $steps i32) (param $col0 i32)
                           (param $panelStep i32) (param $xiStep i32)
    (local $g i32) (local $q0 i32) (local $q1 i32) (local $s i32) (local $col i32)
    (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $zero i32)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)
    (local $t00 v128) (local $t01 v128) (local $t02 v128) (local $t03 v128)
    (local $t10 v128) (local $t11 v128) (local $t12 v128) (local $t13 v128)
    (local $t20 v128) (local $t21 v128) (local $t22 v128) (local $t23 v128)
    (local $t30 v128) (local $t31 v128) (local $t32 v128) (local $t33 v128)
    (local.set $r1 (local.get $rowStep))
    (local.set $r2 (i32.shl (local.get $rowStep) (i32.const 1)))
    (local.set $r3 (i32.add (local.get $r2) (local.get $rowStep)))
    (loop $plane
      (local.set $q0 (local.get $p0))
      (local.set $q1 (local.get $p1))
      (local.set $col (local.get $col0))
      (local.set $g (local.get $steps))
      (loop $tiles
          (local.set $d0 (v128.load offset=0 (i32.add (local.get $q0) (local.get $r1))))
          (local.set $d1 (v128.load (i32.add (local.get $q1) (local.get $r1))))
          (local.set $d2 (v128.load offset=4 (i32.add (local.get $q0) (local.get $r1))))
          (local.set $d3 (v128.load offset=4 (i32.add (local.get $q1) (local.get $r1))))
          (local.set $t10 (f32x4.sub (local.get $d0) (local.get $d2)))
          (local.set $t11 (f32x4.add (local.get $d1) (local.get $d2)))
          (local.set $t12 (f32x4.sub (local.get $d2) (local.get $d1)))
          (local.set $t13 (f32x4.sub (local.get $d1) (local.get $d3)))
          (local.set $d0 (v128.load offset=0 (i32.add (local.get $q0) (local.get $r2))))
          (local.set $d1 (v128.load (i32.add (local.get $q1) (local.get $r2))))
          (local.set $d2 (v128.load offset=4 (i32.add (local.get $q0) (local.get $r2))))
          (local.set $d3 (v128.load offset=4 (i32.add (local.get $q1) (local.get $r2))))
          (local.set $t20 (f32x4.sub (local.get $d0) (local.get $d2)))
          (local.set $t21 (f32x4.add (local.get $d1) (local.get $d2)))
          (local.set $t22 (f32x4.sub (local.get $d2) (local.get $d1)))
          (local.set $t23 (f32x4.sub (local.get $d1) (local.get $d3)))
          (local.set $s (i32.add (local.get $dst) (i32.add (i32.mul (i32.shr_u (local.get $col) (i32.const 3)) (local.get $panelStep))
                                                           (i32.shl (i32.and (local.get $col) (i32.const 7)) (i32.const 2)))))
          (local.set $d0 (v128.load offset=0 (i32.add (local.get $q0) (local.get $zero))))
          (local.set $d1 (v128.load (i32.add (local.get $q1) (local.get $zero))))
          (local.set $d2 (v128.load offset=4 (i32.add (local.get $q0) (local.get $zero))))
          (local.set $d3 (v128.load offset=4 (i32.add (local.get $q1) (local.get $zero))))
          (local.set $t00 (f32x4.sub (local.get $d0) (local.get $d2)))
          (local.set $t01 (f32x4.add (local.get $d1) (local.get $d2)))
          (local.set $t02 (f32x4.sub (local.get $d2) (local.get $d1)))
          (local.set $t03 (f32x4.sub (local.get $d1) (local.get $d3)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t00) (local.get $t20)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t01) (local.get $t21)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t02) (local.get $t22)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t03) (local.get $t23)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.add (local.get $t10) (local.get $t20)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.add (local.get $t11) (local.get $t21)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.add (local.get $t12) (local.get $t22)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.add (local.get $t13) (local.get $t23)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t20) (local.get $t10)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t21) (local.get $t11)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t22) (local.get $t12)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t23) (local.get $t13)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (local.set $d0 (v128.load offset=0 (i32.add (local.get $q0) (local.get $r3))))
          (local.set $d1 (v128.load (i32.add (local.get $q1) (local.get $r3))))
          (local.set $d2 (v128.load offset=4 (i32.add (local.get $q0) (local.get $r3))))
          (local.set $d3 (v128.load offset=4 (i32.add (local.get $q1) (local.get $r3))))
          (local.set $t30 (f32x4.sub (local.get $d0) (local.get $d2)))
          (local.set $t31 (f32x4.add (local.get $d1) (local.get $d2)))
          (local.set $t32 (f32x4.sub (local.get $d2) (local.get $d1)))
          (local.set $t33 (f32x4.sub (local.get $d1) (local.get $d3)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t10) (local.get $t30)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t11) (local.get $t31)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t12) (local.get $t32)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (v128.store (local.get $s) (f32x4.sub (local.get $t13) (local.get $t33)))
          (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
          (local.set $q0 (i32.add (local.get $q0) (i32.const 16)))
          (local.set $q1 (i32.add (local.get $q1) (i32.const 16)))
          (local.set $col (i32.add (local.get $col) (i32.const 4)))
          (br_if $tiles (local.tee $g (i32.sub (local.get $g) (i32.const 1)))))
      (local.set $p0 (i32.add (local.get $p0) (local.get $planeStep)))
      (local.set $p1 (i32.add (local.get $p1) (local.get $planeStep)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
      (br_if $plane (local.tee $planes (i32.sub (local.get $planes) (i32.const 1))))))

  ;; Winograd output transform for one row of tiles, 4 tiles per step: Y = Aᵀ·M·A + bias,
  ;; Aᵀ = [1 1 1 0; 0 1 -1 -1], M's element ξ of the 4 tiles at m + ξ·xiStep (gemm's C, one row per
  ;; channel, ldc bytes apart). Each tile's 2×2 outputs go to 2 rows outRow bytes apart, 8 floats
  ;; per step; channels are outPlane bytes apart.
  (func (export "wino_out") (param $out i32) (param $m i32) (param $bias i32) (param $channels i32)
                            (param $ldc i32) (param $xiStep i32) (param $steps i32) (param $outPlane i32)
                            (param $outRow i32)
    (local $g i32) (local $s i32) (local $o i32) (local $mp i32)
    (local $bv v128) (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $y00 v128) (local $y01 v128) (local $y10 v128) (local $y11 v128)
    (loop $channel
      (local.set $bv (v128.load32_splat (local.get $bias)))
      (local.set $mp (local.get $m))
      (local.set $o (local.get $out))
      (local.set $g (local.get $steps))
      (loop $tiles
        (local.set $s (local.get $mp))
        (local.set $a (v128.load (local.get $s)))
        (local.set $b (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $c (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $d (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
        (local.set $s00 (f32x4.add (f32x4.add (local.get $a) (local.get $b)) (local.get $c)))
        (local.set $s01 (f32x4.sub (f32x4.sub (local.get $b) (local.get $c)) (local.get $d)))
        (local.set $a (v128.load (local.get $s)))
        (local.set $b (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $c (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $d (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
        (local.set $s10 (f32x4.add (f32x4.add (local.get $a) (local.get $b)) (local.get $c)))
        (local.set $s11 (f32x4.sub (f32x4.sub (local.get $b) (local.get $c)) (local.get $d)))
        (local.set $a (v128.load (local.get $s)))
        (local.set $b (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $c (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $d (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
        (local.set $s20 (f32x4.add (f32x4.add (local.get $a) (local.get $b)) (local.get $c)))
        (local.set $s21 (f32x4.sub (f32x4.sub (local.get $b) (local.get $c)) (local.get $d)))
        (local.set $a (v128.load (local.get $s)))
        (local.set $b (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $c (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $d (v128.load (local.tee $s (i32.add (local.get $s) (local.get $xiStep)))))
        (local.set $s (i32.add (local.get $s) (local.get $xiStep)))
        (local.set $s30 (f32x4.add (f32x4.add (local.get $a) (local.get $b)) (local.get $c)))
        (local.set $s31 (f32x4.sub (f32x4.sub (local.get $b) (local.get $c)) (local.get $d)))
        (local.set $y00 (f32x4.add (f32x4.add (f32x4.add (local.get $s00) (local.get $s10)) (local.get $s20)) (local.get $bv)))
        (local.set $y01 (f32x4.add (f32x4.add (f32x4.add (local.get $s01) (local.get $s11)) (local.get $s21)) (local.get $bv)))
        (local.set $y10 (f32x4.add (f32x4.sub (f32x4.sub (local.get $s10) (local.get $s20)) (local.get $s30)) (local.get $bv)))
        (local.set $y11 (f32x4.add (f32x4.sub (f32x4.sub (local.get $s11) (local.get $s21)) (local.get $s31)) (local.get $bv)))
        ;; Tile t's two outputs of a row are neighbours: interleave the y·0 and y·1 vectors.
        (v128.store (local.get $o) (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $y00) (local.get $y01)))
        (v128.store offset=16 (local.get $o) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $y00) (local.get $y01)))
        (v128.store (i32.add (local.get $o) (local.get $outRow)) (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $y10) (local.get $y11)))
        (v128.store offset=16 (i32.add (local.get $o) (local.get $outRow)) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $y10) (local.get $y11)))
        (local.set $mp (i32.add (local.get $mp) (i32.const 16)))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br_if $tiles (local.tee $g (i32.sub (local.get $g) (i32.const 1)))))
      (local.set $m (i32.add (local.get $m) (local.get $ldc)))
      (local.set $out (i32.add (local.get $out) (local.get $outPlane)))
      (local.set $bias (i32.add (local.get $bias) (i32.const 4)))
      (br_if $channel (local.tee $channels (i32.sub (local.get $channels) (i32.const 1))))))

  ;; Packs rows [0, kc) × columns [j0, j0 + nc) of the implicit im2col matrix of a padded image
  ;; into 8-column panels (zeros past nc). Row k starts at byte koff[k] of the image; column j is
  ;; output pixel (j / ow, j % ow), at byte (j / ow)·rowStep + (j % ow)·colStep. `cols` is 8 i32 of
  ;; scratch. Panels inside one output row copy whole vectors (stride 1) or de-interleave (stride 2).
  (func (export "pack_b") (param $dst i32) (param $img i32) (param $koff i32) (param $kc i32)
                          (param $j0 i32) (param $nc i32) (param $ow i32) (param $rowStep i32)
                          (param $colStep i32) (param $cols i32)
    (local $j i32) (local $end i32) (local $oh i32) (local $x i32) (local $src i32)
    (local $k i32) (local $o i32) (local $c i32) (local $jc i32) (local $v i32)
    (local $np i32) (local $pstride i32) (local $d i32)
    (local.set $end (i32.add (local.get $j0) (local.get $nc)))
    (local.set $j (local.get $j0))
    ;; Columns contiguous in the image across output rows (1×1 kernels, stride 1, no padding): the
    ;; whole panels are packed row of K by row of K, each read in order (a row of K per panel
    ;; would touch kc cache lines far apart per panel, which the prefetcher cannot follow).
    (if (i32.and (i32.eq (local.get $colStep) (i32.const 4))
                 (i32.eq (local.get $rowStep) (i32.shl (local.get $ow) (i32.const 2))))
      (then
        (if (local.tee $np (i32.shr_u (local.get $nc) (i32.const 3)))
          (then
            (local.set $pstride (i32.shl (local.get $kc) (i32.const 5)))
            (local.set $k (i32.const 0))
            (loop $krow
              (local.set $src (i32.add (i32.add (local.get $img) (i32.shl (local.get $j0) (i32.const 2)))
                                       (i32.load (i32.add (local.get $koff) (i32.shl (local.get $k) (i32.const 2))))))
              (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 5))))
              (local.set $c (local.get $np))
              (loop $pan
                (v128.store (local.get $d) (v128.load (local.get $src)))
                (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $src)))
                (local.set $src (i32.add (local.get $src) (i32.const 32)))
                (local.set $d (i32.add (local.get $d) (local.get $pstride)))
                (br_if $pan (local.tee $c (i32.sub (local.get $c) (i32.const 1)))))
              (br_if $krow (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $kc))))
            (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $np) (local.get $pstride))))
            (local.set $j (i32.add (local.get $j0) (i32.shl (local.get $np) (i32.const 3))))))))
    (if (i32.ge_u (local.get $j) (local.get $end)) (then (return)))
    (loop $panels
      (local.set $oh (i32.div_u (local.get $j) (local.get $ow)))
      (local.set $x (i32.sub (local.get $j) (i32.mul (local.get $oh) (local.get $ow))))
      (local.set $src (i32.add (local.get $img)
        (i32.add (i32.mul (local.get $oh) (local.get $rowStep)) (i32.mul (local.get $x) (local.get $colStep)))))
      (local.set $k (i32.const 0))
      (block $done
        (if (i32.and (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $end))
                     (i32.le_u (i32.add (local.get $x) (i32.const 8)) (local.get $ow)))
          (then
            (if (i32.eq (local.get $colStep) (i32.const 4))
              (then
                (loop $k1
                  (local.set $o (i32.add (local.get $src) (i32.load (i32.add (local.get $koff) (i32.shl (local.get $k) (i32.const 2))))))
                  (v128.store (local.get $dst) (v128.load (local.get $o)))
                  (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $o)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                  (br_if $k1 (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $kc))))
                (br $done)))
            (if (i32.eq (local.get $colStep) (i32.const 8))
              (then
                (loop $k2
                  (local.set $o (i32.add (local.get $src) (i32.load (i32.add (local.get $koff) (i32.shl (local.get $k) (i32.const 2))))))
                  (v128.store (local.get $dst)
                    (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                      (v128.load (local.get $o)) (v128.load offset=16 (local.get $o))))
                  (v128.store offset=16 (local.get $dst)
                    (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                      (v128.load offset=32 (local.get $o)) (v128.load offset=48 (local.get $o))))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                  (br_if $k2 (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $kc))))
                (br $done)))))
        ;; Any other panel: one source address per column, 0 for columns past the block (images
        ;; never start at 0).
        (local.set $c (i32.const 0))
        (loop $setup
          (local.set $jc (i32.add (local.get $j) (local.get $c)))
          (if (i32.lt_u (local.get $jc) (local.get $end))
            (then
              (local.set $oh (i32.div_u (local.get $jc) (local.get $ow)))
              (local.set $x (i32.sub (local.get $jc) (i32.mul (local.get $oh) (local.get $ow))))
              (i32.store (i32.add (local.get $cols) (i32.shl (local.get $c) (i32.const 2)))
                (i32.add (local.get $img) (i32.add (i32.mul (local.get $oh) (local.get $rowStep))
                                                   (i32.mul (local.get $x) (local.get $colStep))))))
            (else (i32.store (i32.add (local.get $cols) (i32.shl (local.get $c) (i32.const 2))) (i32.const 0))))
          (br_if $setup (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 8))))
        (loop $k3
          (local.set $o (i32.load (i32.add (local.get $koff) (i32.shl (local.get $k) (i32.const 2)))))
          (local.set $c (i32.const 0))
          (loop $col
            (local.set $v (i32.load (i32.add (local.get $cols) (i32.shl (local.get $c) (i32.const 2)))))
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2)))
              (if (result f32) (local.get $v)
                (then (f32.load (i32.add (local.get $v) (local.get $o))))
                (else (f32.const 0))))
            (br_if $col (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 8))))
          (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
          (br_if $k3 (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $kc)))))
      (br_if $panels (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $end)))))

  ;; Fills n floats at p with v (scalar: only used for the narrow borders).
  (func $fill (param $p i32) (param $n i32) (param $v f32)
    (block $done
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      (loop $l
        (f32.store (local.get $p) (local.get $v))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))

  ;; Copies `planes` planes of h×w floats into hp×wp planes, the image at (top, left) and the
  ;; rest filled with v (0 for conv, -inf for max pool). Rows copy as whole vectors; the spill past
  ;; a row lands in its right border, which is filled after the copy.
  (func (export "pad") (param $dst i32) (param $src i32) (param $planes i32) (param $h i32) (param $w i32)
                       (param $hp i32) (param $wp i32) (param $top i32) (param $left i32) (param $v f32)
    (local $r i32) (local $ir i32) (local $s i32) (local $d i32) (local $n i32)
    (block $none
      (br_if $none (i32.eqz (local.get $planes)))
      (loop $plane
        (local.set $r (i32.const 0))
        (loop $row
          (local.set $ir (i32.sub (local.get $r) (local.get $top)))
          (if (i32.and (i32.ge_s (local.get $ir) (i32.const 0)) (i32.lt_s (local.get $ir) (local.get $h)))
            (then
              (call $fill (local.get $dst) (local.get $left) (local.get $v))
              (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $ir) (local.get $w)) (i32.const 2))))
              (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $left) (i32.const 2))))
              (local.set $n (local.get $w))
              (loop $vec
                (v128.store (local.get $d) (v128.load (local.get $s)))
                (local.set $s (i32.add (local.get $s) (i32.const 16)))
                (local.set $d (i32.add (local.get $d) (i32.const 16)))
                (br_if $vec (i32.gt_s (local.tee $n (i32.sub (local.get $n) (i32.const 4))) (i32.const 0))))
              (call $fill (i32.add (local.get $dst) (i32.shl (i32.add (local.get $left) (local.get $w)) (i32.const 2)))
                          (i32.sub (local.get $wp) (i32.add (local.get $left) (local.get $w))) (local.get $v)))
            (else (call $fill (local.get $dst) (local.get $wp) (local.get $v))))
          (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $wp) (i32.const 2))))
          (br_if $row (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $hp))))
        (local.set $src (i32.add (local.get $src) (i32.shl (i32.mul (local.get $h) (local.get $w)) (i32.const 2))))
        (br_if $plane (local.tee $planes (i32.sub (local.get $planes) (i32.const 1)))))))

;; Splits `planes` planes of hp rows × wp floats into two column phases of hp rows × wq floats
  ;; each (phase p holds columns p, p + 2, p + 4, …), phase 0's rows then phase 1's, plane by
  ;; plane. Reads up to 8 floats past a row (the next row, or slack) and writes up to 3 past a phase
  ;; row, which the next phase row overwrites (or slack): phases are written in address order.
  (func (export "phases2") (param $dst i32) (param $src i32) (param $planes i32) (param $hp i32)
                           (param $wp i32) (param $wq i32)
    (local $p i32) (local $r i32) (local $s i32) (local $ss i32) (local $q i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $wp) (i32.const 2)))
    (loop $plane
      (local.set $p (i32.const 0))
      (loop $phase
        (local.set $s (i32.add (local.get $src) (i32.shl (local.get $p) (i32.const 2))))
        (local.set $r (local.get $hp))
        (loop $row
          (local.set $ss (local.get $s))
          (local.set $q (i32.const 0))
          (loop $cols
            (v128.store (local.get $dst)
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                (v128.load (local.get $ss)) (v128.load offset=16 (local.get $ss))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $ss (i32.add (local.get $ss) (i32.const 32)))
            (br_if $cols (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 4))) (local.get $wq))))
          (local.set $dst (i32.sub (local.get $dst) (i32.shl (i32.sub (local.get $q) (local.get $wq)) (i32.const 2))))
          (local.set $s (i32.add (local.get $s) (local.get $rowBytes)))
          (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
        (br_if $phase (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (i32.const 2))))
      (local.set $src (i32.add (local.get $src) (i32.mul (local.get $hp) (local.get $rowBytes))))
      (br_if $plane (local.tee $planes (i32.sub (local.get $planes) (i32.const 1))))))

  ;; Fills only the border of `planes` hp×wp planes whose image (h×w at top, left) is already in
  ;; place: for wide rows the caller copies them straight from JavaScript, saving a pass.
  (func (export "borders") (param $dst i32) (param $planes i32) (param $h i32) (param $w i32)
                           (param $hp i32) (param $wp i32) (param $top i32) (param $left i32) (param $v f32)
    (local $r i32) (local $right i32) (local $rowBytes i32)
    (local.set $right (i32.sub (local.get $wp) (i32.add (local.get $left) (local.get $w))))
    (local.set $rowBytes (i32.shl (local.get $wp) (i32.const 2)))
    (block $none
      (br_if $none (i32.eqz (local.get $planes)))
      (loop $plane
        (call $fill (local.get $dst) (i32.mul (local.get $top) (local.get $wp)) (local.get $v))
        (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $top) (local.get $rowBytes))))
        (local.set $r (local.get $h))
        (loop $row
          (call $fill (local.get $dst) (local.get $left) (local.get $v))
          (call $fill (i32.add (local.get $dst) (i32.shl (i32.add (local.get $left) (local.get $w)) (i32.const 2)))
                      (local.get $right) (local.get $v))
          (local.set $dst (i32.add (local.get $dst) (local.get $rowBytes)))
          (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
        (local.set $r (i32.sub (i32.sub (local.get $hp) (local.get $top)) (local.get $h)))
        (call $fill (local.get $dst) (i32.mul (local.get $r) (local.get $wp)) (local.get $v))
        (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $r) (local.get $rowBytes))))
        (br_if $plane (local.tee $planes (i32.sub (local.get $planes) (i32.const 1)))))))

  ;; One channel of a depthwise conv, stride 1 or 2 along the width, 8 outputs at a time:
  ;; out[y][x] = bias + Σ w[i][j] · img[y·rowStep + i·dilRow + x·colStep + j·dilCol] (bytes).
  ;; Writes up to 7 floats past each output row (overwritten by the next row, or slack).
  (func (export "depthwise") (param $dst i32) (param $img i32) (param $w i32) (param $bias f32)
                             (param $oh i32) (param $ow i32) (param $rowStep i32) (param $colStep i32)
                             (param $dilRow i32) (param $dilCol i32) (param $kh i32) (param $kw i32)
    (local $y i32) (local $x i32) (local $row i32) (local $src i32) (local $s i32) (local $wp i32)
    (local $i i32) (local $j i32) (local $acc0 v128) (local $acc1 v128) (local $wv v128)
    (local $bv v128)
    (local.set $bv (f32x4.splat (local.get $bias)))
    (loop $rows
      (local.set $row (i32.add (local.get $img) (i32.mul (local.get $y) (local.get $rowStep))))
      (local.set $x (i32.const 0))
      (loop $blocks
        (local.set $acc0 (local.get $bv))
        (local.set $acc1 (local.get $bv))
        (local.set $src (i32.add (local.get $row) (i32.mul (local.get $x) (local.get $colStep))))
        (local.set $wp (local.get $w))
        (local.set $i (local.get $kh))
        (loop $taprows
          (local.set $s (local.get $src))
          (local.set $j (local.get $kw))
          (if (i32.eq (local.get $colStep) (i32.const 4))
            (then
              (loop $taps
                (local.set $wv (v128.load32_splat (local.get $wp)))
                (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $wv) (v128.load (local.get $s)))))
                (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $wv) (v128.load offset=16 (local.get $s)))))
                (local.set $s (i32.add (local.get $s) (local.get $dilCol)))
                (local.set $wp (i32.add (local.get $wp) (i32.const 4)))
                (br_if $taps (local.tee $j (i32.sub (local.get $j) (i32.const 1))))))
            (else
              (loop $taps2
                (local.set $wv (v128.load32_splat (local.get $wp)))
                (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $wv)
                  (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                    (v128.load (local.get $s)) (v128.load offset=16 (local.get $s))))))
                (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $wv)
                  (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                    (v128.load offset=32 (local.get $s)) (v128.load offset=48 (local.get $s))))))
                (local.set $s (i32.add (local.get $s) (local.get $dilCol)))
                (local.set $wp (i32.add (local.get $wp) (i32.const 4)))
                (br_if $taps2 (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))))
          (local.set $src (i32.add (local.get $src) (local.get $dilRow)))
          (br_if $taprows (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
        (v128.store (local.get $dst) (local.get $acc0))
        (v128.store offset=16 (local.get $dst) (local.get $acc1))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (br_if $blocks (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 8))) (local.get $ow))))
      ;; Step back over the spill so the next row starts right after this one.
      (local.set $dst (i32.sub (local.get $dst) (i32.shl (i32.sub (local.get $x) (local.get $ow)) (i32.const 2))))
      (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $oh)))))

  ;; Max pooling over `planes` padded planes (padding already -inf), stride 1 or 2 along the
  ;; width, 4 outputs at a time; planeStep is the byte size of one padded plane. PyTorch's rule,
  ;; taps in row-major order: a tap replaces the best so far if it is larger or NaN. (f32x4.max
  ;; would differ on signed zeros: PyTorch keeps the first of -0 and +0.) Spills like depthwise.
  (func (export "max_pool") (param $dst i32) (param $img i32) (param $planes i32) (param $planeStep i32)
                            (param $oh i32) (param $ow i32) (param $rowStep i32) (param $colStep i32)
                            (param $dilRow i32) (param $dilCol i32) (param $kh i32) (param $kw i32)
    (local $y i32) (local $x i32) (local $row i32) (local $src i32) (local $s i32)
    (local $i i32) (local $j i32) (local $m v128) (local $v v128)
    (loop $plane
      (local.set $y (i32.const 0))
      (loop $rows
        (local.set $row (i32.add (local.get $img) (i32.mul (local.get $y) (local.get $rowStep))))
        (local.set $x (i32.const 0))
        (loop $blocks
          (local.set $m (f32x4.splat (f32.const -inf)))
          (local.set $src (i32.add (local.get $row) (i32.mul (local.get $x) (local.get $colStep))))
          (local.set $i (local.get $kh))
          (loop $taprows
            (local.set $s (local.get $src))
            (local.set $j (local.get $kw))
            (if (i32.eq (local.get $colStep) (i32.const 4))
              (then
                (loop $taps
                  (local.set $v (v128.load (local.get $s)))
                  (local.set $m (v128.bitselect (local.get $v) (local.get $m) (v128.or (f32x4.gt (local.get $v) (local.get $m)) (f32x4.ne (local.get $v) (local.get $v)))))
                  (local.set $s (i32.add (local.get $s) (local.get $dilCol)))
                  (br_if $taps (local.tee $j (i32.sub (local.get $j) (i32.const 1))))))
              (else
                (loop $taps2
                  (local.set $v (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                    (v128.load (local.get $s)) (v128.load offset=16 (local.get $s))))
                  (local.set $m (v128.bitselect (local.get $v) (local.get $m) (v128.or (f32x4.gt (local.get $v) (local.get $m)) (f32x4.ne (local.get $v) (local.get $v)))))
                  (local.set $s (i32.add (local.get $s) (local.get $dilCol)))
                  (br_if $taps2 (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))))
            (local.set $src (i32.add (local.get $src) (local.get $dilRow)))
            (br_if $taprows (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
          (v128.store (local.get $dst) (local.get $m))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (br_if $blocks (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 4))) (local.get $ow))))
        (local.set $dst (i32.sub (local.get $dst) (i32.shl (i32.sub (local.get $x) (local.get $ow)) (i32.const 2))))
        (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $oh))))
      (local.set $img (i32.add (local.get $img) (local.get $planeStep)))
      (br_if $plane (local.tee $planes (i32.sub (local.get $planes) (i32.const 1))))))

  ;; Four 2×2 windows (rows at s and t, 8 floats each) in PyTorch's order: (0,0), (0,1), (1,0),
  ;; (1,1); a tap replaces the best so far if it is larger or NaN.
  (func $first_max_2x2 (param $s i32) (param $t i32) (result v128)
    (local $a v128) (local $b v128) (local $m v128) (local $v v128)
    (local.set $a (v128.load (local.get $s)))
    (local.set $b (v128.load offset=16 (local.get $s)))
    (local.set $m (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
    (local.set $v (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
    (local.set $m (v128.bitselect (local.get $v) (local.get $m) (v128.or (f32x4.gt (local.get $v) (local.get $m)) (f32x4.ne (local.get $v) (local.get $v)))))
    (local.set $a (v128.load (local.get $t)))
    (local.set $b (v128.load offset=16 (local.get $t)))
    (local.set $v (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b)))
    (local.set $m (v128.bitselect (local.get $v) (local.get $m) (v128.or (f32x4.gt (local.get $v) (local.get $m)) (f32x4.ne (local.get $v) (local.get $v)))))
    (local.set $v (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b)))
    (local.set $m (v128.bitselect (local.get $v) (local.get $m) (v128.or (f32x4.gt (local.get $v) (local.get $m)) (f32x4.ne (local.get $v) (local.get $v)))))
    (local.get $m))

  ;; The common 2×2 window, stride 2, no dilation: 8 outputs per step. Rows are maxed first, then
  ;; even and odd columns are split out and maxed, so each input is loaded once. f32x4.pmax(a, b)
  ;; (b if a < b, else a: one x86 instruction, where f32x4.max takes about eight) keeps the earlier
  ;; tap on ties and a NaN earlier tap, as PyTorch does; it misses a NaN in the later tap, and may
  ;; pick the wrong sign of a zero maximum. Steps with a NaN input (the sum of the inputs is NaN)
  ;; or a zero maximum are redone in PyTorch's order by $first_max_2x2.
  (func (export "max_pool_2x2s2") (param $dst i32) (param $img i32) (param $planes i32) (param $planeStep i32)
                                  (param $oh i32) (param $ow i32) (param $rowStep i32) (param $dilRow i32)
    (local $y i32) (local $x i32) (local $s i32) (local $t i32) (local $m0 v128) (local $m1 v128)
    (local $m2 v128) (local $m3 v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $sum v128)
    (loop $plane
      (local.set $y (i32.const 0))
      (loop $rows
        (local.set $s (i32.add (local.get $img) (i32.mul (local.get $y) (local.get $rowStep))))
        (local.set $x (i32.const 0))
        (loop $blocks
          (local.set $t (i32.add (local.get $s) (local.get $dilRow)))
          (local.set $a0 (v128.load (local.get $s)))
          (local.set $a1 (v128.load offset=16 (local.get $s)))
          (local.set $a2 (v128.load offset=32 (local.get $s)))
          (local.set $a3 (v128.load offset=48 (local.get $s)))
          (local.set $b0 (v128.load (local.get $t)))
          (local.set $b1 (v128.load offset=16 (local.get $t)))
          (local.set $b2 (v128.load offset=32 (local.get $t)))
          (local.set $b3 (v128.load offset=48 (local.get $t)))
          (local.set $sum (f32x4.add (f32x4.add (f32x4.add (local.get $a0) (local.get $b0)) (f32x4.add (local.get $a1) (local.get $b1)))
                                     (f32x4.add (f32x4.add (local.get $a2) (local.get $b2)) (f32x4.add (local.get $a3) (local.get $b3)))))
          (local.set $m0 (f32x4.pmax (local.get $a0) (local.get $b0)))
          (local.set $m1 (f32x4.pmax (local.get $a1) (local.get $b1)))
          (local.set $m2 (f32x4.pmax (local.get $a2) (local.get $b2)))
          (local.set $m3 (f32x4.pmax (local.get $a3) (local.get $b3)))
          (local.set $m0 (f32x4.pmax
            (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $m0) (local.get $m1))
            (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $m0) (local.get $m1))))
          (local.set $m2 (f32x4.pmax
            (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $m2) (local.get $m3))
            (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $m2) (local.get $m3))))
          (if (v128.any_true (v128.or (f32x4.ne (local.get $sum) (local.get $sum))
                                      (v128.or (f32x4.eq (local.get $m0) (v128.const f32x4 0 0 0 0))
                                               (f32x4.eq (local.get $m2) (v128.const f32x4 0 0 0 0)))))
            (then
              (local.set $m0 (call $first_max_2x2 (local.get $s) (local.get $t)))
              (local.set $m2 (call $first_max_2x2 (i32.add (local.get $s) (i32.const 32)) (i32.add (local.get $t) (i32.const 32))))))
          (v128.store (local.get $dst) (local.get $m0))
          (v128.store offset=16 (local.get $dst) (local.get $m2))
          (local.set $s (i32.add (local.get $s) (i32.const 64)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
          (br_if $blocks (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 8))) (local.get $ow))))
        (local.set $dst (i32.sub (local.get $dst) (i32.shl (i32.sub (local.get $x) (local.get $ow)) (i32.const 2))))
        (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $oh))))
      (local.set $img (i32.add (local.get $img) (local.get $planeStep)))
      (br_if $plane (local.tee $planes (i32.sub (local.get $planes) (i32.const 1))))))

  ;; depthwise for the common 3×3 kernel with stride 1 along the width: the nine weights stay in
  ;; registers (nine broadcasts, two accumulators, one load: 12 of V8's 16 SIMD registers), so a
  ;; tap costs two loads, two multiplies and two adds. Spills like depthwise.
  (func (export "depthwise3x3") (param $dst i32) (param $img i32) (param $w i32) (param $bias f32)
                                (param $oh i32) (param $ow i32) (param $rowStep i32)
                                (param $dilRow i32) (param $dilCol i32)
    (local $y i32) (local $x i32) (local $r0 i32) (local $r1 i32) (local $r2 i32)
    (local $acc0 v128) (local $acc1 v128) (local $bv v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $w4 v128) (local $w5 v128) (local $w6 v128) (local $w7 v128) (local $w8 v128)
    (local.set $bv (f32x4.splat (local.get $bias)))
    (local.set $w0 (v128.load32_splat (local.get $w)))
    (local.set $w1 (v128.load32_splat offset=4 (local.get $w)))
    (local.set $w2 (v128.load32_splat offset=8 (local.get $w)))
    (local.set $w3 (v128.load32_splat offset=12 (local.get $w)))
    (local.set $w4 (v128.load32_splat offset=16 (local.get $w)))
    (local.set $w5 (v128.load32_splat offset=20 (local.get $w)))
    (local.set $w6 (v128.load32_splat offset=24 (local.get $w)))
    (local.set $w7 (v128.load32_splat offset=28 (local.get $w)))
    (local.set $w8 (v128.load32_splat offset=32 (local.get $w)))
    (loop $rows
      (local.set $r0 (i32.add (local.get $img) (i32.mul (local.get $y) (local.get $rowStep))))
      (local.set $r1 (i32.add (local.get $r0) (local.get $dilRow)))
      (local.set $r2 (i32.add (local.get $r1) (local.get $dilRow)))
      (local.set $x (i32.const 0))
      (loop $blocks
        (local.set $acc0 (local.get $bv))
        (local.set $acc1 (local.get $bv))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $w0) (v128.load (local.get $r0)))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $w0) (v128.load offset=16 (local.get $r0)))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $w1) (v128.load (i32.add (local.get $r0) (local.get $dilCol))))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $w1) (v128.load offset=16 (i32.add (local.get $r0) (local.get $dilCol))))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $w2) (v128.load (i32.add (local.get $r0) (i32.shl (local.get $dilCol) (i32.const 1)))))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $w2) (v128.load offset=16 (i32.add (local.get $r0) (i32.shl (local.get $dilCol) (i32.const 1)))))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $w3) (v128.load (local.get $r1)))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $w3) (v128.load offset=16 (local.get $r1)))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $w4) (v128.load (i32.add (local.get $r1) (local.get $dilCol))))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $w4) (v128.load offset=16 (i32.add (local.get $r1) (local.get $dilCol))))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $w5) (v128.load (i32.add (local.get $r1) (i32.shl (local.get $dilCol) (i32.const 1)))))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $w5) (v128.load offset=16 (i32.add (local.get $r1) (i32.shl (local.get $dilCol) (i32.const 1)))))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $w6) (v128.load (local.get $r2)))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $w6) (v128.load offset=16 (local.get $r2)))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $w7) (v128.load (i32.add (local.get $r2) (local.get $dilCol))))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $w7) (v128.load offset=16 (i32.add (local.get $r2) (local.get $dilCol))))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $w8) (v128.load (i32.add (local.get $r2) (i32.shl (local.get $dilCol) (i32.const 1)))))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $w8) (v128.load offset=16 (i32.add (local.get $r2) (i32.shl (local.get $dilCol) (i32.const 1)))))))
        (v128.store (local.get $dst) (local.get $acc0))
        (v128.store offset=16 (local.get $dst) (local.get $acc1))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 32)))
        (local.set $r1 (i32.add (local.get $r1) (i32.const 32)))
        (local.set $r2 (i32.add (local.get $r2) (i32.const 32)))
        (br_if $blocks (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 8))) (local.get $ow))))
      (local.set $dst (i32.sub (local.get $dst) (i32.shl (i32.sub (local.get $x) (local.get $ow)) (i32.const 2))))
      (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $oh)))))
)
