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
}
