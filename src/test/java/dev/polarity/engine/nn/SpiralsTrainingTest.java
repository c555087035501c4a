package dev.polarity.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.optim.AdamW;
import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** End to end: the engine alone trains an MLP to separate two interleaved spirals. */
class SpiralsTrainingTest {
    private static final int N = 200; // points per class

    @Test
    void mlpLearnsTwoSpirals() {
        Random rng = new Random(7);
        float[] xs = new float[2 * N * 2];
        int[] ys = new int[2 * N];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < N; i++) {
                double r = (double) i / N * 5 + 0.3;
                double a = 1.75 * i / N * 2 * Math.PI + Math.PI * c;
                int row = c * N + i;
                xs[2 * row] = (float) (r * Math.cos(a) / 5 + rng.nextGaussian() * 0.02);
                xs[2 * row + 1] = (float) (r * Math.sin(a) / 5 + rng.nextGaussian() * 0.02);
                ys[row] = c;
            }
        }
        Tensor x = Tensor.fromArray(xs, 2 * N, 2);
        Sequential mlp = new Sequential(new Linear(2, 64, rng), new ReLU(), new Linear(64, 64, rng), new ReLU(), new Linear(64, 2, rng));
        AdamW opt = new AdamW(mlp.parameters(), 0.01f, 0f);
        mlp.train();
        for (int step = 0; step < 1500; step++) {
            opt.zeroGrad();
            Tensor loss = Functional.crossEntropy(mlp.forward(x), ys);
            loss.backward();
            opt.step();
        }
        mlp.eval();
        Tensor pred = GradMode.noGrad(() -> mlp.forward(x).argmax(1, false));
        int correct = 0;
        for (int i = 0; i < ys.length; i++) {
            if ((int) pred.get(i) == ys[i]) {
                correct++;
            }
        }
        double acc = (double) correct / ys.length;
        System.out.printf("two spirals: accuracy %.3f%n", acc);
        assertThat(acc).isGreaterThanOrEqualTo(0.95);
    }
}
