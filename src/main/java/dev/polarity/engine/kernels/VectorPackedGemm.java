package dev.polarity.engine.kernels;

import static dev.polarity.engine.kernels.VectorGemm.L;
import static dev.polarity.engine.kernels.VectorGemm.S;

import jdk.incubator.vector.FloatVector;

/**
 * {@link VectorGemm}'s kernel for {@link PackedB} weights: outer products over packed panels. A
 * tile of 8, 4, 2 or 1 rows x one panel (3 vectors) runs the whole of k from zero, so C is
 * written once, never read, and no lane reduction is needed. Each panel is one sequential
 * stream, read from memory by the first row tile and from cache by the rest.
 *
 * <p>At batch 1 the weights do not fit in L3, so that first tile waits on memory: 8-row tiles
 * halve the bytes it needs per multiply-add and the passes over each panel (cold weights, m = 25,
 * one thread: 11-14% faster than 4-row tiles on JDK 17 and 25). The tiles look like
 * nn4x3/nn1x3 with ldb = PANEL, but those, run on a zeroed C, were 5-15% slower here in seven of
 * seven alternating runs (hot weights, m = 25).
 */
final class VectorPackedGemm {
    /**
     * Row tiles of 8 when the CPU has 32 vector registers (AVX-512 machines, where C2 also
     * allocates the upper 16 to 256-bit vectors): 24 accumulators + 3 panel vectors + 1 broadcast.
     * With 16 registers (AVX2) they would spill, so tiles start at 4 rows there.
     */
    static final boolean EIGHT_ROW_TILES = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    /** Rows of A walked per sweep over the panels: a block this size stays in L2 even at k = 1536. */
    private static final int MC = 64;
    private static final ScalarGemm FALLBACK = new ScalarGemm();
    /** Each thread's buffer for a block of a transposed A, kept: the backward of every Linear needs one. */
    private static final ThreadLocal<float[]> TRANS_A_BLOCK = ThreadLocal.withInitial(() -> new float[0]);

    private VectorPackedGemm() {}

    static void gemm(boolean eightRowTiles, int m, float[] a, int aOff, int lda, PackedB b, int panel0, int panel1,
                     float[] c, int cOff, int ldc) {
        if (3 * L != PackedB.PANEL) {
            FALLBACK.gemmPacked(m, a, aOff, lda, b, panel0, panel1, c, cOff, ldc);
            return;
        }
        int k = b.k();
        float[] w = b.data();
        for (int i0 = 0; i0 < m; i0 += MC) {
            int mc = Math.min(MC, m - i0);
            for (int panel = panel0; panel < panel1; panel++) {
                int j0 = panel * PackedB.PANEL;
                int wi = panel * k * PackedB.PANEL;
                int cols = Math.min(PackedB.PANEL, b.n() - j0);
                int ai = aOff + i0 * lda;
                int ci = cOff + i0 * ldc + j0;
                if (cols == PackedB.PANEL) {
                    int i = 0;
                    if (eightRowTiles) {
                        for (; i + 8 <= mc; i += 8) {
                            packed8x3(k, a, ai + i * lda, lda, w, wi, c, ci + i * ldc, ldc);
                        }
                    }
                    for (; i + 4 <= mc; i += 4) {
                        packed4x3(k, a, ai + i * lda, lda, w, wi, c, ci + i * ldc, ldc);
                    }
                    if (i + 2 <= mc) {
                        packed2x3(k, a, ai + i * lda, lda, w, wi, c, ci + i * ldc, ldc);
                        i += 2;
                    }
                    if (i < mc) {
                        packed1x3(k, a, ai + i * lda, w, wi, c, ci + i * ldc);
                    }
                } else {
                    // The last, partial panel: whole vectors into a row buffer, then the valid columns.
                    float[] row = new float[PackedB.PANEL];
                    for (int i = 0; i < mc; i++) {
                        packed1x3(k, a, ai + i * lda, w, wi, row, 0);
                        System.arraycopy(row, 0, c, ci + i * ldc, cols);
                    }
                }
            }
        }
    }

    /**
     * As {@link #gemm}, with A stored transposed: A(i, p) = a[aOff + p * lda + i]. A weight's
     * gradient dW = dY^T X reads dY so, in place: a tile's 8 rows of A are then 8 neighbouring
     * floats of one row of dY.
     */
    static void gemmTransA(boolean eightRowTiles, int m, float[] a, int aOff, int lda, PackedB b, int panel0, int panel1,
                           float[] c, int cOff, int ldc) {
        if (3 * L != PackedB.PANEL) {
            FALLBACK.gemmPackedTransA(m, a, aOff, lda, b, panel0, panel1, c, cOff, ldc);
            return;
        }
        // Each block of MC rows of A is first copied out of dY into a [k x MC] buffer: read in
        // place, every step of k is a new row of dY (6 KB apart at 1536 columns), and the tiles
        // then missed the TLB on nearly every load (twice the time of packing first).
        int k = b.k();
        float[] block = TRANS_A_BLOCK.get();
        if (block.length < k * MC) {
            block = new float[k * MC];
            TRANS_A_BLOCK.set(block);
        }
        for (int i0 = 0; i0 < m; i0 += MC) {
            int mc = Math.min(MC, m - i0);
            for (int p = 0; p < k; p++) {
                System.arraycopy(a, aOff + p * lda + i0, block, p * MC, mc);
            }
            transposedBlock(eightRowTiles, mc, block, b, panel0, panel1, c, cOff + i0 * ldc, ldc);
        }
    }

    /** mc (at most MC) rows of A, copied out as [k x MC], times the panels: the tiles read a[p * MC + i]. */
    private static void transposedBlock(boolean eightRowTiles, int mc, float[] block, PackedB b, int panel0, int panel1,
                                        float[] c, int cOff, int ldc) {
        int k = b.k();
        float[] w = b.data();
        for (int panel = panel0; panel < panel1; panel++) {
            int j0 = panel * PackedB.PANEL;
            int wi = panel * k * PackedB.PANEL;
            int cols = Math.min(PackedB.PANEL, b.n() - j0);
            int ci = cOff + j0;
            int i = 0;
            if (cols == PackedB.PANEL) {
                if (eightRowTiles) {
                    for (; i + 8 <= mc; i += 8) {
                        packedT8x3(k, block, i, MC, w, wi, c, ci + i * ldc, ldc);
                    }
                }
                for (; i < mc; i++) {
                    packedT1x3(k, block, i, MC, w, wi, c, ci + i * ldc);
                }
            } else {
                float[] row = new float[PackedB.PANEL];
                for (; i < mc; i++) {
                    packedT1x3(k, block, i, MC, w, wi, row, 0);
                    System.arraycopy(row, 0, c, ci + i * ldc, cols);
                }
            }
        }
    }

    /** Eight rows of a transposed A: at step p they are a[ai + p * lda .. + 7]. */
    private static void packedT8x3(int k, float[] a, int ai, int lda, float[] w, int wi, float[] c, int ci, int ldc) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S), s22 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S);
        FloatVector s40 = FloatVector.zero(S), s41 = FloatVector.zero(S), s42 = FloatVector.zero(S);
        FloatVector s50 = FloatVector.zero(S), s51 = FloatVector.zero(S), s52 = FloatVector.zero(S);
        FloatVector s60 = FloatVector.zero(S), s61 = FloatVector.zero(S), s62 = FloatVector.zero(S);
        FloatVector s70 = FloatVector.zero(S), s71 = FloatVector.zero(S), s72 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int wp = wi + p * PackedB.PANEL;
            int ap = ai + p * lda;
            FloatVector b0 = FloatVector.fromArray(S, w, wp);
            FloatVector b1 = FloatVector.fromArray(S, w, wp + L);
            FloatVector b2 = FloatVector.fromArray(S, w, wp + 2 * L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            s00 = av.fma(b0, s00); s01 = av.fma(b1, s01); s02 = av.fma(b2, s02);
            av = FloatVector.broadcast(S, a[ap + 1]);
            s10 = av.fma(b0, s10); s11 = av.fma(b1, s11); s12 = av.fma(b2, s12);
            av = FloatVector.broadcast(S, a[ap + 2]);
            s20 = av.fma(b0, s20); s21 = av.fma(b1, s21); s22 = av.fma(b2, s22);
            av = FloatVector.broadcast(S, a[ap + 3]);
            s30 = av.fma(b0, s30); s31 = av.fma(b1, s31); s32 = av.fma(b2, s32);
            av = FloatVector.broadcast(S, a[ap + 4]);
            s40 = av.fma(b0, s40); s41 = av.fma(b1, s41); s42 = av.fma(b2, s42);
            av = FloatVector.broadcast(S, a[ap + 5]);
            s50 = av.fma(b0, s50); s51 = av.fma(b1, s51); s52 = av.fma(b2, s52);
            av = FloatVector.broadcast(S, a[ap + 6]);
            s60 = av.fma(b0, s60); s61 = av.fma(b1, s61); s62 = av.fma(b2, s62);
            av = FloatVector.broadcast(S, a[ap + 7]);
            s70 = av.fma(b0, s70); s71 = av.fma(b1, s71); s72 = av.fma(b2, s72);
        }
        int c1 = ci + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        s00.intoArray(c, ci); s01.intoArray(c, ci + L); s02.intoArray(c, ci + 2 * L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L); s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + L); s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + L); s32.intoArray(c, c3 + 2 * L);
        s40.intoArray(c, c4); s41.intoArray(c, c4 + L); s42.intoArray(c, c4 + 2 * L);
        s50.intoArray(c, c5); s51.intoArray(c, c5 + L); s52.intoArray(c, c5 + 2 * L);
        s60.intoArray(c, c6); s61.intoArray(c, c6 + L); s62.intoArray(c, c6 + 2 * L);
        s70.intoArray(c, c7); s71.intoArray(c, c7 + L); s72.intoArray(c, c7 + 2 * L);
    }

    /** One row of a transposed A (a column of a[.. k x lda]), with even and odd steps summed apart as in packed1x3. */
    private static void packedT1x3(int k, float[] a, int ai, int lda, float[] w, int wi, float[] c, int ci) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S);
        FloatVector t0 = FloatVector.zero(S), t1 = FloatVector.zero(S), t2 = FloatVector.zero(S);
        int p = 0;
        for (; p + 2 <= k; p += 2) {
            int wp = wi + p * PackedB.PANEL;
            FloatVector av = FloatVector.broadcast(S, a[ai + p * lda]);
            s0 = av.fma(FloatVector.fromArray(S, w, wp), s0);
            s1 = av.fma(FloatVector.fromArray(S, w, wp + L), s1);
            s2 = av.fma(FloatVector.fromArray(S, w, wp + 2 * L), s2);
            int wq = wp + PackedB.PANEL;
            FloatVector aq = FloatVector.broadcast(S, a[ai + (p + 1) * lda]);
            t0 = aq.fma(FloatVector.fromArray(S, w, wq), t0);
            t1 = aq.fma(FloatVector.fromArray(S, w, wq + L), t1);
            t2 = aq.fma(FloatVector.fromArray(S, w, wq + 2 * L), t2);
        }
        if (p < k) {
            int wp = wi + p * PackedB.PANEL;
            FloatVector av = FloatVector.broadcast(S, a[ai + p * lda]);
            s0 = av.fma(FloatVector.fromArray(S, w, wp), s0);
            s1 = av.fma(FloatVector.fromArray(S, w, wp + L), s1);
            s2 = av.fma(FloatVector.fromArray(S, w, wp + 2 * L), s2);
        }
        s0.add(t0).intoArray(c, ci); s1.add(t1).intoArray(c, ci + L); s2.add(t2).intoArray(c, ci + 2 * L);
    }

    private static void packed8x3(int k, float[] a, int ai, int lda, float[] w, int wi, float[] c, int ci, int ldc) {
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S), s22 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S);
        FloatVector s40 = FloatVector.zero(S), s41 = FloatVector.zero(S), s42 = FloatVector.zero(S);
        FloatVector s50 = FloatVector.zero(S), s51 = FloatVector.zero(S), s52 = FloatVector.zero(S);
        FloatVector s60 = FloatVector.zero(S), s61 = FloatVector.zero(S), s62 = FloatVector.zero(S);
        FloatVector s70 = FloatVector.zero(S), s71 = FloatVector.zero(S), s72 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int wp = wi + p * PackedB.PANEL;
            FloatVector b0 = FloatVector.fromArray(S, w, wp);
            FloatVector b1 = FloatVector.fromArray(S, w, wp + L);
            FloatVector b2 = FloatVector.fromArray(S, w, wp + 2 * L);
            FloatVector av = FloatVector.broadcast(S, a[ai + p]);
            s00 = av.fma(b0, s00); s01 = av.fma(b1, s01); s02 = av.fma(b2, s02);
            av = FloatVector.broadcast(S, a[a1 + p]);
            s10 = av.fma(b0, s10); s11 = av.fma(b1, s11); s12 = av.fma(b2, s12);
            av = FloatVector.broadcast(S, a[a2 + p]);
            s20 = av.fma(b0, s20); s21 = av.fma(b1, s21); s22 = av.fma(b2, s22);
            av = FloatVector.broadcast(S, a[a3 + p]);
            s30 = av.fma(b0, s30); s31 = av.fma(b1, s31); s32 = av.fma(b2, s32);
            av = FloatVector.broadcast(S, a[a4 + p]);
            s40 = av.fma(b0, s40); s41 = av.fma(b1, s41); s42 = av.fma(b2, s42);
            av = FloatVector.broadcast(S, a[a5 + p]);
            s50 = av.fma(b0, s50); s51 = av.fma(b1, s51); s52 = av.fma(b2, s52);
            av = FloatVector.broadcast(S, a[a6 + p]);
            s60 = av.fma(b0, s60); s61 = av.fma(b1, s61); s62 = av.fma(b2, s62);
            av = FloatVector.broadcast(S, a[a7 + p]);
            s70 = av.fma(b0, s70); s71 = av.fma(b1, s71); s72 = av.fma(b2, s72);
        }
        int c1 = ci + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        s00.intoArray(c, ci); s01.intoArray(c, ci + L); s02.intoArray(c, ci + 2 * L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L); s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + L); s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + L); s32.intoArray(c, c3 + 2 * L);
        s40.intoArray(c, c4); s41.intoArray(c, c4 + L); s42.intoArray(c, c4 + 2 * L);
        s50.intoArray(c, c5); s51.intoArray(c, c5 + L); s52.intoArray(c, c5 + 2 * L);
        s60.intoArray(c, c6); s61.intoArray(c, c6 + L); s62.intoArray(c, c6 + 2 * L);
        s70.intoArray(c, c7); s71.intoArray(c, c7 + L); s72.intoArray(c, c7 + 2 * L);
    }

    private static void packed4x3(int k, float[] a, int ai, int lda, float[] w, int wi, float[] c, int ci, int ldc) {
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda;
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S), s22 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int wp = wi + p * PackedB.PANEL;
            FloatVector b0 = FloatVector.fromArray(S, w, wp);
            FloatVector b1 = FloatVector.fromArray(S, w, wp + L);
            FloatVector b2 = FloatVector.fromArray(S, w, wp + 2 * L);
            FloatVector av = FloatVector.broadcast(S, a[ai + p]);
            s00 = av.fma(b0, s00); s01 = av.fma(b1, s01); s02 = av.fma(b2, s02);
            av = FloatVector.broadcast(S, a[a1 + p]);
            s10 = av.fma(b0, s10); s11 = av.fma(b1, s11); s12 = av.fma(b2, s12);
            av = FloatVector.broadcast(S, a[a2 + p]);
            s20 = av.fma(b0, s20); s21 = av.fma(b1, s21); s22 = av.fma(b2, s22);
            av = FloatVector.broadcast(S, a[a3 + p]);
            s30 = av.fma(b0, s30); s31 = av.fma(b1, s31); s32 = av.fma(b2, s32);
        }
        int c1 = ci + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        s00.intoArray(c, ci); s01.intoArray(c, ci + L); s02.intoArray(c, ci + 2 * L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L); s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + L); s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + L); s32.intoArray(c, c3 + 2 * L);
    }

    private static void packed2x3(int k, float[] a, int ai, int lda, float[] w, int wi, float[] c, int ci, int ldc) {
        int a1 = ai + lda;
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int wp = wi + p * PackedB.PANEL;
            FloatVector b0 = FloatVector.fromArray(S, w, wp);
            FloatVector b1 = FloatVector.fromArray(S, w, wp + L);
            FloatVector b2 = FloatVector.fromArray(S, w, wp + 2 * L);
            FloatVector av = FloatVector.broadcast(S, a[ai + p]);
            s00 = av.fma(b0, s00); s01 = av.fma(b1, s01); s02 = av.fma(b2, s02);
            av = FloatVector.broadcast(S, a[a1 + p]);
            s10 = av.fma(b0, s10); s11 = av.fma(b1, s11); s12 = av.fma(b2, s12);
        }
        int c1 = ci + ldc;
        s00.intoArray(c, ci); s01.intoArray(c, ci + L); s02.intoArray(c, ci + 2 * L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L); s12.intoArray(c, c1 + 2 * L);
    }

    /**
     * One row: three accumulators alone would wait on the multiply-add latency every step, so even
     * and odd steps of k build separate sums, added at the end.
     */
    private static void packed1x3(int k, float[] a, int ai, float[] w, int wi, float[] c, int ci) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S);
        FloatVector t0 = FloatVector.zero(S), t1 = FloatVector.zero(S), t2 = FloatVector.zero(S);
        int p = 0;
        for (; p + 2 <= k; p += 2) {
            int wp = wi + p * PackedB.PANEL;
            FloatVector av = FloatVector.broadcast(S, a[ai + p]);
            s0 = av.fma(FloatVector.fromArray(S, w, wp), s0);
            s1 = av.fma(FloatVector.fromArray(S, w, wp + L), s1);
            s2 = av.fma(FloatVector.fromArray(S, w, wp + 2 * L), s2);
            int wq = wp + PackedB.PANEL;
            FloatVector aq = FloatVector.broadcast(S, a[ai + p + 1]);
            t0 = aq.fma(FloatVector.fromArray(S, w, wq), t0);
            t1 = aq.fma(FloatVector.fromArray(S, w, wq + L), t1);
            t2 = aq.fma(FloatVector.fromArray(S, w, wq + 2 * L), t2);
        }
        if (p < k) {
            int wp = wi + p * PackedB.PANEL;
            FloatVector av = FloatVector.broadcast(S, a[ai + p]);
            s0 = av.fma(FloatVector.fromArray(S, w, wp), s0);
            s1 = av.fma(FloatVector.fromArray(S, w, wp + L), s1);
            s2 = av.fma(FloatVector.fromArray(S, w, wp + 2 * L), s2);
        }
        s0.add(t0).intoArray(c, ci); s1.add(t1).intoArray(c, ci + L); s2.add(t2).intoArray(c, ci + 2 * L);
    }
}
