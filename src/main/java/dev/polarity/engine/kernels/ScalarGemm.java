package dev.polarity.engine.kernels;

import java.util.Arrays;

/** The plain-Java twin of the vector GEMM: the reference every faster kernel is tested against. */
final class ScalarGemm implements Gemm.Kernel {
    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, boolean transB,
                     float[] c, int cOff, int ldc) {
        if (transB) {
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * lda;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    float s = 0f;
                    for (int p = 0; p < k; p++) {
                        s += a[ai + p] * b[bj + p];
                    }
                    c[cOff + i * ldc + j] = s;
                }
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            Arrays.fill(c, ci, ci + n, 0f);
            int ai = aOff + i * lda;
            for (int p = 0; p < k; p++) {
                float av = a[ai + p];
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    @Override
    public void gemmPacked(int m, float[] a, int aOff, int lda, PackedB b, int panel0, int panel1, float[] c, int cOff, int ldc) {
        packed(m, a, aOff, lda, 1, b, panel0, panel1, c, cOff, ldc);
    }

    @Override
    public void gemmPackedTransA(int m, float[] a, int aOff, int lda, PackedB b, int panel0, int panel1, float[] c, int cOff, int ldc) {
        packed(m, a, aOff, 1, lda, b, panel0, panel1, c, cOff, ldc);
    }

    /** A(i, q) = a[aOff + i * rowStep + q * colStep]. */
    private static void packed(int m, float[] a, int aOff, int rowStep, int colStep, PackedB b, int panel0, int panel1,
                               float[] c, int cOff, int ldc) {
        int k = b.k();
        int p = PackedB.PANEL;
        float[] w = b.data();
        for (int panel = panel0; panel < panel1; panel++) {
            int j0 = panel * p;
            int cols = Math.min(p, b.n() - j0);
            int base = panel * k * p;
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * rowStep;
                for (int jj = 0; jj < cols; jj++) {
                    float s = 0f;
                    for (int q = 0; q < k; q++) {
                        s += a[ai + q * colStep] * w[base + q * p + jj];
                    }
                    c[cOff + i * ldc + j0 + jj] = s;
                }
            }
        }
    }
}
