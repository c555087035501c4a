package dev.polarity.engine.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The jdk.incubator.vector twin of {@link ScalarGemm}; loaded by name through {@link VectorSupport}.
 *
 * <p>{@code B = [k x n]}: a register tile of 4 rows x 3 vectors of C (12 accumulators, which still
 * fits the 16 registers of AVX2) is built from a broadcast of A times contiguous rows of B. k is cut
 * into blocks of {@link #KC} and rows into blocks of {@link #MC} so the B strip and the A block a
 * tile walks stay in L1/L2 while every row block reuses them.
 *
 * <p>{@code transB} ({@code B = [n x k]}): both operands are contiguous along k, so a tile of 4 rows
 * of A x 3 rows of B accumulates 12 dot products along k and reduces them once at the end. Packing
 * B into [k x n] panels for the kernel above was measured at half the speed (36-40 against 70-87
 * GFLOP/s at m = 32): the transpose is scalar and costs about as much as the multiply-adds it feeds.
 *
 * <p>Stateless, so pool threads may call it concurrently on disjoint blocks of C.
 */
final class VectorGemm implements Gemm.Kernel {
    static final String BITS_PROPERTY = "polarity.vector.bits";
    // One species for every kernel: once two vector shapes flow through the shared FloatVector
    // methods, C2 stops intrinsifying them and every fma allocates (10x slower, JDK 17). It is
    // the CPU's widest: a core that runs two 512-bit FMAs a cycle runs 256-bit ones at half the
    // flops. -Dpolarity.vector.bits=256 caps it, for a CPU whose wide vectors do not pay.
    static final VectorSpecies<Float> S = species(Integer.getInteger(BITS_PROPERTY, 0));
    static final int L = S.length();
    private static final int KC = 256;
    private static final int MC = 64;

    /** The preferred species, or the widest one not above {@code capBits} when that is smaller (0: no cap). */
    static VectorSpecies<Float> species(int capBits) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (capBits <= 0 || preferred.vectorBitSize() <= capBits) {
            return preferred;
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(64, Integer.highestOneBit(capBits))));
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, boolean transB,
                     float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        } else if (transB && m <= SKINNY_ROWS && k >= 64) {
            skinnyNT(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else if (transB) {
            gemmNT(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else {
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                for (int i0 = 0; i0 < m; i0 += MC) {
                    int mc = Math.min(MC, m - i0);
                    blockNN(mc, n, kc, a, aOff + i0 * lda + p0, lda, b, bOff + p0 * ldb, ldb,
                            c, cOff + i0 * ldc, ldc, p0 > 0);
                }
            }
        }
    }

    private final boolean eightRowTiles;

    VectorGemm() {
        this(VectorPackedGemm.EIGHT_ROW_TILES);
    }

    /** Tests run both tile heights of the packed kernel whatever the CPU. */
    VectorGemm(boolean eightRowTiles) {
        this.eightRowTiles = eightRowTiles;
    }

    @Override
    public void gemmPacked(int m, float[] a, int aOff, int lda, PackedB b, int panel0, int panel1, float[] c, int cOff, int ldc) {
        VectorPackedGemm.gemm(eightRowTiles, m, a, aOff, lda, b, panel0, panel1, c, cOff, ldc);
    }

    @Override
    public void gemmPackedTransA(int m, float[] a, int aOff, int lda, PackedB b, int panel0, int panel1, float[] c, int cOff, int ldc) {
        VectorPackedGemm.gemmTransA(eightRowTiles, m, a, aOff, lda, b, panel0, panel1, c, cOff, ldc);
    }

    /** One [mc x kc] block of A times one [kc x n] block of B, into C (added to C when {@code acc}). */
    private static void blockNN(int mc, int n, int kc, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean acc) {
        if (!acc) {
            // Zero first so the micro-kernels always start from a load of C: on JDK 17 a vector
            // chosen by a branch (load or zero) is boxed by C2 once both paths have run, and the
            // kernel then allocates on every multiply-add (measured: 10x slower in backward).
            for (int i = 0; i < mc; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        }
        int j = 0;
        for (; j + 3 * L <= n; j += 3 * L) {
            int i = 0;
            for (; i + 4 <= mc; i += 4) {
                nn4x3(kc, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; i < mc; i++) {
                nn1x3(kc, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
            }
        }
        for (; j + L <= n; j += L) {
            for (int i = 0; i < mc; i++) {
                nn1x1(kc, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
            }
        }
        // Fewer than L columns left: plain Java, row by row.
        for (int i = 0; i < mc && j < n; i++) {
            int ci = cOff + i * ldc;
            for (int p = 0; p < kc; p++) {
                float av = a[aOff + i * lda + p];
                int bp = bOff + p * ldb;
                for (int jj = j; jj < n; jj++) {
                    c[ci + jj] += av * b[bp + jj];
                }
            }
        }
    }

    private static void nn4x3(int kc, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci, int ldc) {
        int c1 = ci + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        FloatVector s00 = FloatVector.fromArray(S, c, ci), s01 = FloatVector.fromArray(S, c, ci + L), s02 = FloatVector.fromArray(S, c, ci + 2 * L);
        FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L), s12 = FloatVector.fromArray(S, c, c1 + 2 * L);
        FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L), s22 = FloatVector.fromArray(S, c, c2 + 2 * L);
        FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L), s32 = FloatVector.fromArray(S, c, c3 + 2 * L);
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector av = FloatVector.broadcast(S, a[ai + p]);
            s00 = av.fma(b0, s00); s01 = av.fma(b1, s01); s02 = av.fma(b2, s02);
            av = FloatVector.broadcast(S, a[ai + lda + p]);
            s10 = av.fma(b0, s10); s11 = av.fma(b1, s11); s12 = av.fma(b2, s12);
            av = FloatVector.broadcast(S, a[ai + 2 * lda + p]);
            s20 = av.fma(b0, s20); s21 = av.fma(b1, s21); s22 = av.fma(b2, s22);
            av = FloatVector.broadcast(S, a[ai + 3 * lda + p]);
            s30 = av.fma(b0, s30); s31 = av.fma(b1, s31); s32 = av.fma(b2, s32);
        }
        s00.intoArray(c, ci); s01.intoArray(c, ci + L); s02.intoArray(c, ci + 2 * L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L); s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + L); s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + L); s32.intoArray(c, c3 + 2 * L);
    }

    private static void nn1x3(int kc, float[] a, int ai, float[] b, int bi, int ldb, float[] c, int ci) {
        FloatVector s0 = FloatVector.fromArray(S, c, ci), s1 = FloatVector.fromArray(S, c, ci + L), s2 = FloatVector.fromArray(S, c, ci + 2 * L);
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * ldb;
            FloatVector av = FloatVector.broadcast(S, a[ai + p]);
            s0 = av.fma(FloatVector.fromArray(S, b, bp), s0);
            s1 = av.fma(FloatVector.fromArray(S, b, bp + L), s1);
            s2 = av.fma(FloatVector.fromArray(S, b, bp + 2 * L), s2);
        }
        s0.intoArray(c, ci); s1.intoArray(c, ci + L); s2.intoArray(c, ci + 2 * L);
    }

    private static void nn1x1(int kc, float[] a, int ai, float[] b, int bi, int ldb, float[] c, int ci) {
        FloatVector s = FloatVector.fromArray(S, c, ci);
        for (int p = 0; p < kc; p++) {
            s = FloatVector.broadcast(S, a[ai + p]).fma(FloatVector.fromArray(S, b, bi + p * ldb), s);
        }
        s.intoArray(c, ci);
    }

    /** Up to this many rows of A, {@link #skinnyNT} streams the weights instead of blocking them. */
    static final int SKINNY_ROWS = 2 * L; // measured: better than blocking at m = 8, worse at m = 25
    private static final ThreadLocal<float[]> PACKED_A = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * C = A * B^T for a few rows of A (one sentence at batch 1): B is a weight far larger than
     * the caches, A a handful of activations. Blocked kernels read each B panel in a burst that
     * the first row tile waits on, then reuse it from cache; here every weight is read exactly
     * once, four rows of B at a time as steady sequential streams, and each is broadcast against
     * all rows of A at once. A is packed transposed ([k x m] padded to whole vectors, zeros past
     * m) so the rows of A are the vector lanes and no reduction across lanes is needed.
     */
    private static void skinnyNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float[] c, int cOff, int ldc) {
        int vecs = (m + L - 1) / L;
        int mp = vecs * L;
        float[] at = PACKED_A.get(); // [k x mp] packed A, then a [4 x mp] tile of C^T
        if (at.length < (k + 4) * mp) {
            at = new float[(k + 4) * mp];
            PACKED_A.set(at);
        }
        int tileOff = k * mp;
        for (int p = 0; p < k; p++) {
            int o = p * mp;
            for (int i = 0; i < m; i++) {
                at[o + i] = a[aOff + i * lda + p];
            }
            for (int i = m; i < mp; i++) {
                at[o + i] = 0f;
            }
        }
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int bj = bOff + j * ldb;
            switch (vecs) {
                case 1 -> skinny4x1(k, at, b, bj, ldb, at, tileOff);
                case 2 -> skinny4x2(k, at, b, bj, ldb, at, tileOff);
                case 3 -> skinny4x3(k, at, b, bj, ldb, at, tileOff);
                default -> skinny4x4(k, at, b, bj, ldb, at, tileOff);
            }
            for (int r = 0; r < 4; r++) {
                for (int i = 0; i < m; i++) {
                    c[cOff + i * ldc + j + r] = at[tileOff + r * mp + i];
                }
            }
        }
        for (; j < n; j++) { // the last n % 4 rows of B, one at a time
            for (int i = 0; i < m; i++) {
                c[cOff + i * ldc + j] = dot(k, a, aOff + i * lda, b, bOff + j * ldb);
            }
        }
    }

    private static void skinny4x1(int k, float[] at, float[] b, int bj, int ldb, float[] tile, int t) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int b1 = bj + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        for (int p = 0; p < k; p++) {
            FloatVector x0 = FloatVector.fromArray(S, at, p * L);
            s0 = x0.fma(FloatVector.broadcast(S, b[bj + p]), s0);
            s1 = x0.fma(FloatVector.broadcast(S, b[b1 + p]), s1);
            s2 = x0.fma(FloatVector.broadcast(S, b[b2 + p]), s2);
            s3 = x0.fma(FloatVector.broadcast(S, b[b3 + p]), s3);
        }
        s0.intoArray(tile, t); s1.intoArray(tile, t + L); s2.intoArray(tile, t + 2 * L); s3.intoArray(tile, t + 3 * L);
    }

    private static void skinny4x2(int k, float[] at, float[] b, int bj, int ldb, float[] tile, int t) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        int b1 = bj + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int mp = 2 * L;
        for (int p = 0; p < k; p++) {
            FloatVector x0 = FloatVector.fromArray(S, at, p * mp);
            FloatVector x1 = FloatVector.fromArray(S, at, p * mp + L);
            FloatVector w = FloatVector.broadcast(S, b[bj + p]);
            s00 = x0.fma(w, s00); s01 = x1.fma(w, s01);
            w = FloatVector.broadcast(S, b[b1 + p]);
            s10 = x0.fma(w, s10); s11 = x1.fma(w, s11);
            w = FloatVector.broadcast(S, b[b2 + p]);
            s20 = x0.fma(w, s20); s21 = x1.fma(w, s21);
            w = FloatVector.broadcast(S, b[b3 + p]);
            s30 = x0.fma(w, s30); s31 = x1.fma(w, s31);
        }
        s00.intoArray(tile, t); s01.intoArray(tile, t + L);
        s10.intoArray(tile, t + mp); s11.intoArray(tile, t + mp + L);
        s20.intoArray(tile, t + 2 * mp); s21.intoArray(tile, t + 2 * mp + L);
        s30.intoArray(tile, t + 3 * mp); s31.intoArray(tile, t + 3 * mp + L);
    }

    private static void skinny4x3(int k, float[] at, float[] b, int bj, int ldb, float[] tile, int t) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00;
        int b1 = bj + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int mp = 3 * L;
        for (int p = 0; p < k; p++) {
            int xp = p * mp;
            FloatVector x0 = FloatVector.fromArray(S, at, xp);
            FloatVector x1 = FloatVector.fromArray(S, at, xp + L);
            FloatVector x2 = FloatVector.fromArray(S, at, xp + 2 * L);
            FloatVector w = FloatVector.broadcast(S, b[bj + p]);
            s00 = x0.fma(w, s00); s01 = x1.fma(w, s01); s02 = x2.fma(w, s02);
            w = FloatVector.broadcast(S, b[b1 + p]);
            s10 = x0.fma(w, s10); s11 = x1.fma(w, s11); s12 = x2.fma(w, s12);
            w = FloatVector.broadcast(S, b[b2 + p]);
            s20 = x0.fma(w, s20); s21 = x1.fma(w, s21); s22 = x2.fma(w, s22);
            w = FloatVector.broadcast(S, b[b3 + p]);
            s30 = x0.fma(w, s30); s31 = x1.fma(w, s31); s32 = x2.fma(w, s32);
        }
        s00.intoArray(tile, t); s01.intoArray(tile, t + L); s02.intoArray(tile, t + 2 * L);
        s10.intoArray(tile, t + mp); s11.intoArray(tile, t + mp + L); s12.intoArray(tile, t + mp + 2 * L);
        s20.intoArray(tile, t + 2 * mp); s21.intoArray(tile, t + 2 * mp + L); s22.intoArray(tile, t + 2 * mp + 2 * L);
        s30.intoArray(tile, t + 3 * mp); s31.intoArray(tile, t + 3 * mp + L); s32.intoArray(tile, t + 3 * mp + 2 * L);
    }

    private static void skinny4x4(int k, float[] at, float[] b, int bj, int ldb, float[] tile, int t) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        int b1 = bj + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int mp = 4 * L;
        for (int p = 0; p < k; p++) {
            int xp = p * mp;
            FloatVector x0 = FloatVector.fromArray(S, at, xp);
            FloatVector x1 = FloatVector.fromArray(S, at, xp + L);
            FloatVector x2 = FloatVector.fromArray(S, at, xp + 2 * L);
            FloatVector x3 = FloatVector.fromArray(S, at, xp + 3 * L);
            FloatVector w = FloatVector.broadcast(S, b[bj + p]);
            s00 = x0.fma(w, s00); s01 = x1.fma(w, s01); s02 = x2.fma(w, s02); s03 = x3.fma(w, s03);
            w = FloatVector.broadcast(S, b[b1 + p]);
            s10 = x0.fma(w, s10); s11 = x1.fma(w, s11); s12 = x2.fma(w, s12); s13 = x3.fma(w, s13);
            w = FloatVector.broadcast(S, b[b2 + p]);
            s20 = x0.fma(w, s20); s21 = x1.fma(w, s21); s22 = x2.fma(w, s22); s23 = x3.fma(w, s23);
            w = FloatVector.broadcast(S, b[b3 + p]);
            s30 = x0.fma(w, s30); s31 = x1.fma(w, s31); s32 = x2.fma(w, s32); s33 = x3.fma(w, s33);
        }
        s00.intoArray(tile, t); s01.intoArray(tile, t + L); s02.intoArray(tile, t + 2 * L); s03.intoArray(tile, t + 3 * L);
        s10.intoArray(tile, t + mp); s11.intoArray(tile, t + mp + L); s12.intoArray(tile, t + mp + 2 * L); s13.intoArray(tile, t + mp + 3 * L);
        s20.intoArray(tile, t + 2 * mp); s21.intoArray(tile, t + 2 * mp + L); s22.intoArray(tile, t + 2 * mp + 2 * L); s23.intoArray(tile, t + 2 * mp + 3 * L);
        s30.intoArray(tile, t + 3 * mp); s31.intoArray(tile, t + 3 * mp + L); s32.intoArray(tile, t + 3 * mp + 2 * L); s33.intoArray(tile, t + 3 * mp + 3 * L);
    }

    /** C = A * B^T: every entry is a dot product of two rows contiguous along k. */
    private static void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc) {
        // A block of B rows (about 256 KB) stays in L2 while every row tile of A (4 rows, in L1)
        // passes by it, so each weight comes from memory once per call however many rows A has.
        // (Blocking A instead re-streamed all of B per block of rows: 16 times per GEMM at batch 32.)
        int nc = Math.max(3, 65536 / Math.max(1, k) / 3 * 3);
        for (int j0 = 0; j0 < n; j0 += nc) {
            int j1 = Math.min(n, j0 + nc);
            int j3 = j0 + (j1 - j0) / 3 * 3;
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                for (int j = j0; j < j3; j += 3) {
                    nt4x3(k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j, ldc);
                }
            }
            for (; i < m; i++) {
                for (int j = j0; j < j3; j += 3) {
                    nt1x3(k, a, aOff + i * lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j);
                }
            }
            for (int j = j3; j < j1; j++) {
                for (int r = 0; r < m; r++) {
                    c[cOff + r * ldc + j] = dot(k, a, aOff + r * lda, b, bOff + j * ldb);
                }
            }
        }
    }

    private static void nt4x3(int k, float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] c, int ci, int ldc) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00;
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda, b1 = bj + ldb, b2 = b1 + ldb;
        int kv = S.loopBound(k);
        for (int p = 0; p < kv; p += L) {
            FloatVector v0 = FloatVector.fromArray(S, b, bj + p);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector v2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector av = FloatVector.fromArray(S, a, ai + p);
            s00 = av.fma(v0, s00); s01 = av.fma(v1, s01); s02 = av.fma(v2, s02);
            av = FloatVector.fromArray(S, a, a1 + p);
            s10 = av.fma(v0, s10); s11 = av.fma(v1, s11); s12 = av.fma(v2, s12);
            av = FloatVector.fromArray(S, a, a2 + p);
            s20 = av.fma(v0, s20); s21 = av.fma(v1, s21); s22 = av.fma(v2, s22);
            av = FloatVector.fromArray(S, a, a3 + p);
            s30 = av.fma(v0, s30); s31 = av.fma(v1, s31); s32 = av.fma(v2, s32);
        }
        int ci1 = ci + ldc, ci2 = ci1 + ldc, ci3 = ci2 + ldc;
        c[ci] = sum(s00) + tail(k, kv, a, ai, b, bj);
        c[ci + 1] = sum(s01) + tail(k, kv, a, ai, b, b1);
        c[ci + 2] = sum(s02) + tail(k, kv, a, ai, b, b2);
        c[ci1] = sum(s10) + tail(k, kv, a, a1, b, bj);
        c[ci1 + 1] = sum(s11) + tail(k, kv, a, a1, b, b1);
        c[ci1 + 2] = sum(s12) + tail(k, kv, a, a1, b, b2);
        c[ci2] = sum(s20) + tail(k, kv, a, a2, b, bj);
        c[ci2 + 1] = sum(s21) + tail(k, kv, a, a2, b, b1);
        c[ci2 + 2] = sum(s22) + tail(k, kv, a, a2, b, b2);
        c[ci3] = sum(s30) + tail(k, kv, a, a3, b, bj);
        c[ci3 + 1] = sum(s31) + tail(k, kv, a, a3, b, b1);
        c[ci3 + 2] = sum(s32) + tail(k, kv, a, a3, b, b2);
    }

    private static void nt1x3(int k, float[] a, int ai, float[] b, int bj, int ldb, float[] c, int ci) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0;
        int b1 = bj + ldb, b2 = b1 + ldb;
        int kv = S.loopBound(k);
        for (int p = 0; p < kv; p += L) {
            FloatVector av = FloatVector.fromArray(S, a, ai + p);
            s0 = av.fma(FloatVector.fromArray(S, b, bj + p), s0);
            s1 = av.fma(FloatVector.fromArray(S, b, b1 + p), s1);
            s2 = av.fma(FloatVector.fromArray(S, b, b2 + p), s2);
        }
        c[ci] = sum(s0) + tail(k, kv, a, ai, b, bj);
        c[ci + 1] = sum(s1) + tail(k, kv, a, ai, b, b1);
        c[ci + 2] = sum(s2) + tail(k, kv, a, ai, b, b2);
    }

    private static float dot(int k, float[] a, int ai, float[] b, int bj) {
        FloatVector s = FloatVector.zero(S);
        int kv = S.loopBound(k);
        for (int p = 0; p < kv; p += L) {
            s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
        }
        return sum(s) + tail(k, kv, a, ai, b, bj);
    }

    private static float sum(FloatVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }

    /** The k % L products a vector loop leaves over. */
    private static float tail(int k, int from, float[] a, int ai, float[] b, int bj) {
        float s = 0f;
        for (int p = from; p < k; p++) {
            s += a[ai + p] * b[bj + p];
        }
        return s;
    }
}
