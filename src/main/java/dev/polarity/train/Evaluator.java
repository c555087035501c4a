package dev.polarity.train;

import dev.polarity.model.Batch;
import dev.polarity.model.SequenceClassifier;
import dev.polarity.model.TextEncoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/** Scores a labelled set in eval() + noGrad(), batching texts of similar length. */
public final class Evaluator {
    private Evaluator() {}

    public static Metrics evaluate(SequenceClassifier model, TextEncoder tokenizer, List<Example> data, int batchSize) {
        return evaluate(model, tokenizer, data, batchSize, UnaryOperator.identity());
    }

    public static Metrics evaluate(SequenceClassifier model, TextEncoder tokenizer, List<Example> data, int batchSize,
                                   UnaryOperator<String> normalize) {
        boolean wasTraining = model.isTraining();
        model.eval();
        long start = System.nanoTime();
        int k = model.labels().size();
        int[][] confusion = new int[k][k];
        try {
            List<TextEncoder.Encoded> encoded = new ArrayList<>(data.size());
            for (Example e : data) {
                encoded.add(tokenizer.encode(normalize.apply(e.text())));
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingInt(i -> encoded.get(i).length()));
            for (int s = 0; s < order.size(); s += batchSize) {
                List<Integer> idx = order.subList(s, Math.min(order.size(), s + batchSize));
                Batch b = TextEncoder.pad(idx.stream().map(encoded::get).toList());
                float[][] p = model.probabilities(b);
                for (int r = 0; r < idx.size(); r++) {
                    int label = data.get(idx.get(r)).label();
                    if (label < 0 || label >= k) {
                        throw new IllegalArgumentException("label " + label + " is outside the model's " + k + " labels");
                    }
                    confusion[label][argmax(p[r])]++;
                }
            }
        } finally {
            model.train(wasTraining);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Metrics(model.labels(), confusion, data.size() / Math.max(seconds, 1e-9));
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
