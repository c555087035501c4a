package dev.polarity.train;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.optim.AdamW;
import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.Batch;
import dev.polarity.model.SequenceClassifier;
import dev.polarity.model.TestAssets;
import dev.polarity.model.TextEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Fine-tuning throughput: milliseconds per phase of one training step on real SST-2 batches. Prints, asserts nothing. */
@Tag("bench")
class TrainStepBench {
    @Test
    void trainingStepPhases() throws Exception {
        List<Example> train = TsvReader.read(TestAssets.sst2("train.tsv")).examples();
        var base = TestAssets.baseEncoder();
        SequenceClassifier model = new SequenceClassifier(base.config(), Trainer.LABELS, new Random(1));
        model.loadEncoder(base.stateDict());
        model.namedParameters().get("bert.embeddings.word_embeddings.weight").requiresGrad(false);
        List<dev.polarity.engine.nn.Parameter> params = model.parameters().stream().filter(p -> p.requiresGrad()).toList();
        AdamW opt = new AdamW(params, 1e-5f, 0.01f);
        try (TextEncoder tok = TestAssets.tokenizer()) {
            List<Batch> batches = new ArrayList<>();
            for (int s = 0; s < 32 * 40; s += 32) {
                List<TextEncoder.Encoded> enc = new ArrayList<>();
                for (int i = s; i < s + 32; i++) {
                    enc.add(tok.encode(train.get(i).text()));
                }
                batches.add(TextEncoder.pad(enc));
            }
            // The same batches through the serving forward (eval(), no grad) of a second copy of the
            // model, each right after its training step: what a step costs against a forward is the
            // engine's training overhead, and alternating them keeps the machine's drift out of the
            // ratio. A copy, so its packed weights stay cached as in serving instead of being
            // repacked after every optimizer step.
            SequenceClassifier served = new SequenceClassifier(base.config(), Trainer.LABELS, new Random(1));
            served.loadEncoder(base.stateDict());
            served.eval();
            model.train();
            long fwd = 0, bwd = 0, upd = 0, eval = 0, examples = 0, tokens = 0;
            for (int i = 0; i < batches.size(); i++) {
                Batch b = batches.get(i);
                int[] labels = new int[b.size()];
                long t0 = System.nanoTime();
                Tensor loss = Functional.crossEntropy(model.forward(b), labels);
                long t1 = System.nanoTime();
                loss.backward();
                long t2 = System.nanoTime();
                opt.step();
                opt.zeroGrad();
                long t3 = System.nanoTime();
                GradMode.noGrad(() -> served.forward(b));
                long t4 = System.nanoTime();
                if (i >= 10) { // warm-up batches excluded
                    fwd += t1 - t0;
                    bwd += t2 - t1;
                    upd += t3 - t2;
                    eval += t4 - t3;
                    examples += b.size();
                    tokens += (long) b.size() * b.length();
                }
            }
            int n = batches.size() - 10;
            System.out.printf("training step, batch 32 (mean padded length %.1f): forward %.1f ms, backward %.1f ms, optimizer %.1f ms%n",
                    tokens / (double) examples, fwd / 1e6 / n, bwd / 1e6 / n, upd / 1e6 / n);
            System.out.printf("eval forward under noGrad, same batches: %.1f ms%n", eval / 1e6 / n);
            System.out.printf("ratio step/forward batch=32: %.2f%n", (fwd + bwd + upd) / (double) eval);
            System.out.printf("training throughput: %.1f examples/s%n", examples / ((fwd + bwd + upd) / 1e9));
        }
    }
}
