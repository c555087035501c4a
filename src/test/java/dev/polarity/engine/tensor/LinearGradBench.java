package dev.polarity.engine.tensor;

import dev.polarity.engine.kernels.Gemm;
import dev.polarity.engine.kernels.PackedB;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What one Linear costs in a training step, part by part, on the encoder's shapes at a packed
 * batch of 32 SST-2 sentences (about 800 real tokens): the forward GEMM on cached panels, the
 * repacking an optimizer step forces, and the backward's two GEMMs with what they copy. Prints
 * milliseconds (best of timed reps); asserts nothing.
 */
@Tag("bench")
class LinearGradBench {
    private static final int ROWS = 800;
    private static final int[][] SHAPES = {{384, 384}, {384, 1536}, {1536, 384}}; // in, out

    @Test
    void parts() {
        System.out.printf("%nLinear parts, %d rows, ms (GFLOP/s)%n", ROWS);
        System.out.printf("%-12s %16s %10s %16s %16s %10s%n", "in -> out", "forward GEMM", "repack", "dX (+pack)", "dW", "bias grad");
        for (int[] s : new int[][] {SHAPES[0], SHAPES[1], SHAPES[2], SHAPES[0], SHAPES[1], SHAPES[2]}) {
            int in = s[0], out = s[1];
            Random rnd = new Random(7);
            float[] x = random(rnd, ROWS * in), w = random(rnd, out * in), gz = random(rnd, ROWS * out);
            PackedB wt = PackedB.ofTransposed(w, 0, out, in);
            Tensor xt = Tensor.wrap(x, Shape.of(ROWS, in));
            double flops = 2.0 * ROWS * in * out;
            double fwd = time(() -> {
                float[] y = new float[ROWS * out];
                Gemm.runPacked(Gemm.best(), ROWS, x, 0, in, wt, y, 0, out, null);
                return y;
            });
            double repack = time(() -> PackedB.ofTransposed(w, 0, out, in));
            double dx = time(() -> {
                float[] gx = new float[ROWS * in];
                Gemm.runPacked(Gemm.best(), ROWS, gz, 0, out, PackedB.of(w, 0, out, in, in), gx, 0, in, null);
                return gx;
            });
            double dw = time(() -> Fused.weightGrad(gz, 0, out, xt, ROWS, in, out));
            double bias = time(() -> Fused.columnSums(gz, 0, out, ROWS, out));
            System.out.printf("%-12s %7.3f (%5.1f) %10.3f %7.3f (%5.1f) %7.3f (%5.1f) %10.3f%n", in + " -> " + out,
                    fwd, flops / fwd / 1e6, repack, dx, flops / dx / 1e6, dw, flops / dw / 1e6, bias);
        }
    }

    private static double time(Supplier<Object> call) {
        long warmEnd = System.nanoTime() + 300_000_000L;
        for (int i = 0; i < 20 || System.nanoTime() < warmEnd; i++) {
            call.get();
        }
        long best = Long.MAX_VALUE;
        long end = System.nanoTime() + 500_000_000L;
        for (int rep = 0; rep < 5 || System.nanoTime() < end; rep++) {
            long t0 = System.nanoTime();
            call.get();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e6;
    }

    private static float[] random(Random rnd, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = rnd.nextFloat() * 2f - 1f;
        }
        return v;
    }
}
