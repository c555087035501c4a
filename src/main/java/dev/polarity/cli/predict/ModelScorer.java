package dev.polarity.cli.predict;

import dev.polarity.model.Batch;
import dev.polarity.model.SequenceClassifier;
import dev.polarity.model.TextEncoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs the model as the service and evaluate do: eval() mode (no dropout) and, inside
 * {@link SequenceClassifier#probabilities}, GradMode.noGrad(), so no graph is built and the
 * encoder takes its fast path. Texts are sorted by length before they are batched, so a batch
 * pads little; the answers go back in the order the texts came.
 */
public final class ModelScorer implements Scorer {
    private final SequenceClassifier model;
    private final TextEncoder tokenizer;
    private final int batchSize;

    public ModelScorer(SequenceClassifier model, TextEncoder tokenizer, int batchSize) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
        model.eval();
    }

    @Override
    public List<String> labels() {
        return model.labels();
    }

    @Override
    public float[][] probabilities(List<String> texts) {
        List<TextEncoder.Encoded> encoded = new ArrayList<>(texts.size());
        for (String t : texts) {
            encoded.add(tokenizer.encode(t));
        }
        List<Integer> order = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> encoded.get(i).length()));
        float[][] out = new float[texts.size()][];
        for (int start = 0; start < order.size(); start += batchSize) {
            List<Integer> idx = order.subList(start, Math.min(order.size(), start + batchSize));
            Batch batch = TextEncoder.pad(idx.stream().map(encoded::get).toList());
            float[][] p = model.probabilities(batch);
            for (int r = 0; r < idx.size(); r++) {
                out[idx.get(r)] = p[r];
            }
        }
        return out;
    }
}
