package dev.polarity.model;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.nn.Dropout;
import dev.polarity.engine.nn.Linear;
import dev.polarity.engine.nn.Module;
import dev.polarity.engine.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Encoder + pooling + dropout + linear head. Parameters are named "bert.*" and "classifier.*"
 * as in Hugging Face's BertForSequenceClassification. Pooling is the mean over real tokens, the
 * pooling all-MiniLM-L6-v2 was trained with, so the pretrained encoder starts from embeddings
 * that already carry meaning.
 */
public final class SequenceClassifier extends Module {
    private final BertEncoder bert;
    private final Dropout dropout;
    private final Linear classifier;
    private final List<String> labels;
    private volatile float temperature = 1f;

    public SequenceClassifier(BertConfig config, List<String> labels, Random rng) {
        if (labels.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 labels, got " + labels);
        }
        this.labels = List.copyOf(labels);
        bert = registerModule("bert", new BertEncoder(config, rng));
        dropout = registerModule("dropout", new Dropout((float) config.hiddenDropoutProb(), rng));
        classifier = registerModule("classifier", new Linear(config.hiddenSize(), labels.size(), rng));
    }

    public BertEncoder encoder() {
        return bert;
    }

    public List<String> labels() {
        return labels;
    }

    /** Logits [batch, labels]. */
    public Tensor forward(Batch batch) {
        return head(bert.forward(batch), batch);
    }

    /**
     * Logits [batch, labels] from word embeddings [batch, length, hidden] (see
     * {@link BertEncoder#wordEmbeddings}) instead of ids: run in eval() with grad on, the gradient
     * of a logit with respect to {@code words} is what gradient explanations attribute.
     */
    public Tensor forwardFromWordEmbeddings(Tensor words, Batch batch) {
        return head(bert.forwardFromWordEmbeddings(words, batch), batch);
    }

    private Tensor head(Tensor hidden, Batch batch) {
        return classifier.forward(dropout.forward(BertEncoder.meanPool(hidden, batch)));
    }

    /**
     * The temperature probabilities divide the logits by (1 unless a calibration was fitted, see
     * {@code calibrate}); the argmax, and so every predicted label, does not depend on it.
     */
    public float temperature() {
        return temperature;
    }

    public void setTemperature(float t) {
        if (!(t > 0f) || Float.isInfinite(t)) {
            throw new IllegalArgumentException("temperature must be a positive finite number, got " + t);
        }
        temperature = t;
    }

    /** Class probabilities softmax(logits / temperature) [batch, labels], recorded like any op. */
    public Tensor probabilitiesOf(Tensor logits) {
        float t = temperature;
        return (t == 1f ? logits : logits.mul(1f / t)).softmax(-1);
    }

    /**
     * Class probabilities [batch][labels] under noGrad(). Train/eval is the caller's switch: the
     * server and the evaluator put the model in eval() first; grad mode does not imply it.
     */
    public float[][] probabilities(Batch batch) {
        Tensor p;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            p = probabilitiesOf(forward(batch));
        }
        return rows(p, batch.size());
    }

    /** Logits [batch][labels] under noGrad(), what a calibration is fitted to. */
    public float[][] logits(Batch batch) {
        Tensor l;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            l = forward(batch);
        }
        return rows(l, batch.size());
    }

    private float[][] rows(Tensor t, int n) {
        int k = labels.size();
        float[] flat = t.toArray();
        float[][] out = new float[n][k];
        for (int r = 0; r < n; r++) {
            System.arraycopy(flat, r * k, out[r], 0, k);
        }
        return out;
    }

    /** Loads encoder weights only (keys without the "bert." prefix), leaving the fresh head as it is. */
    public void loadEncoder(Map<String, Tensor> encoderState) {
        bert.loadStateDict(encoderState);
    }
}
