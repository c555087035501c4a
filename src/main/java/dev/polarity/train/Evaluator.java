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

    /** Logits [examples][labels] and the labels, both in data order: what a temperature is fitted to. */
    public record Scored(float[][] logits, int[] labels, double seconds) {}

    public static Metrics evaluate(SequenceClassifier model, TextEncoder tokenizer, List<Example> data, int batchSize) {
        return evaluate(model, tokenizer, data, batchSize, UnaryOperator.identity());
    }

    public static Metrics evaluate(SequenceClassifier model, TextEncoder tokenizer, List<Example> data, int batchSize,
                                   UnaryOperator<String> normalize) {
        Scored s = score(model, tokenizer, data, batchSize, normalize);
        int k = model.labels().size();
        int[][] confusion = new int[k][k];
        for (int i = 0; i < s.labels().length; i++) {
            confusion[s.labels()[i]][argmax(s.logits()[i])]++; // the temperature leaves the argmax as it is
        }
        double t = model.temperature();
        boolean any = !data.isEmpty();
        return new Metrics(model.labels(), confusion, data.size() / Math.max(s.seconds(), 1e-9), t,
                any ? Calibration.ece(s.logits(), s.labels(), t) : 0, any ? Calibration.nll(s.logits(), s.labels(), t) : 0);
    }

    public static Scored score(SequenceClassifier model, TextEncoder tokenizer, List<Example> data, int batchSize,
                               UnaryOperator<String> normalize) {
        boolean wasTraining = model.isTraining();
        model.eval();
        long start = System.nanoTime();
        int k = model.labels().size();
        float[][] logits = new float[data.size()][];
        int[] labels = new int[data.size()];
        try {
            List<TextEncoder.Encoded> encoded = new ArrayList<>(data.size());
            for (int i = 0; i < data.size(); i++) {
                labels[i] = data.get(i).label();
                if (labels[i] < 0 || labels[i] >= k) {
                    throw new IllegalArgumentException("label " + labels[i] + " is outside the model's " + k + " labels");
                }
                encoded.add(tokenizer.encode(normalize.apply(data.get(i).text())));
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingInt(i -> encoded.get(i).length()));
            for (int s = 0; s < order.size(); s += batchSize) {
                List<Integer> idx = order.subList(s, Math.min(order.size(), s + batchSize));
                Batch b = TextEncoder.pad(idx.stream().map(encoded::get).toList());
                float[][] l = model.logits(b);
                for (int r = 0; r < idx.size(); r++) {
                    logits[idx.get(r)] = l[r];
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return new Scored(logits, labels, (System.nanoTime() - start) / 1e9);
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
