package dev.polarity.model;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.nn.Module;
import dev.polarity.engine.nn.ModuleList;
import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The BERT encoder stack (Hugging Face's BertModel without its pooler): ids -> last hidden states. */
public final class BertEncoder extends Module {
    private final BertConfig config;
    private final BertEmbeddings embeddings;
    private final ModuleList<BertLayer> layers;
    private final FastEncoder fast;
    private volatile boolean fastPath = true;

    public BertEncoder(BertConfig config, Random rng) {
        this.config = config;
        this.fast = new FastEncoder(this, config);
        embeddings = registerModule("embeddings", new BertEmbeddings(config, rng));
        List<BertLayer> list = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            list.add(new BertLayer(config, rng));
        }
        BertLayer.Group encoder = registerModule("encoder", new BertLayer.Group());
        layers = encoder.registerChild("layer", new ModuleList<>(list));
    }

    BertEmbeddings embeddingsModule() {
        return embeddings;
    }

    List<BertLayer> layerModules() {
        return layers.items();
    }

    /** Off keeps no-grad eval inference on the module path too (to compare the two, or debug). */
    public void setFastPath(boolean on) {
        fastPath = on;
    }

    public BertConfig config() {
        return config;
    }

    /**
     * Last hidden states [batch, length, hidden]. In eval() with grad off this runs the
     * {@link FastEncoder} (padded positions are then zero); otherwise the modules, which compute
     * padded positions too but never attend to them.
     */
    public Tensor forward(Batch batch) {
        if (fastPath && !GradMode.isRecording() && !anyTraining()) {
            return fast.forward(batch);
        }
        return forwardModules(batch);
    }

    /**
     * The module path, whatever the modes: what training runs, and the reference for the fast path.
     * Real tokens only, packed; padded positions of the result are zero, as the fast path's.
     */
    Tensor forwardModules(Batch batch) {
        Packing p = Packing.of(batch);
        return layers(embeddings.forward(batch, p), batch, p);
    }

    /** The word-embedding table [vocabulary, hidden]: the trainer freezes it, the augmenter reads its neighbours. */
    public Parameter wordEmbeddingWeight() {
        return embeddings.wordEmbedding().weight();
    }

    /** Word embeddings [batch, length, hidden] of the batch's ids, as the first layer looks them up. */
    public Tensor wordEmbeddings(Batch batch) {
        return embeddings.words(batch);
    }

    /**
     * Last hidden states from given word embeddings instead of ids (the module path in any mode):
     * gradients with respect to the input, as explanations need them, flow back to {@code words}.
     */
    public Tensor forwardFromWordEmbeddings(Tensor words, Batch batch) {
        Packing p = Packing.of(batch);
        Tensor packed = Functional.gatherRows(words.reshape(batch.size() * batch.length(), config.hiddenSize()), p.rows());
        return layers(embeddings.forwardFromWords(packed, batch, p), batch, p);
    }

    private Tensor layers(Tensor x, Batch batch, Packing p) {
        for (BertLayer layer : layers.items()) {
            x = layer.forward(x, p.starts());
        }
        return Functional.scatterRows(x, p.rows(), batch.size() * batch.length())
                .reshape(batch.size(), batch.length(), config.hiddenSize());
    }

    /** [batch, 1, 1, length]: 0 where a key is a real token, -1e9 where it is padding. */
    static Tensor additiveMask(Batch b) {
        float[] m = new float[b.mask().length];
        for (int i = 0; i < m.length; i++) {
            m[i] = b.mask()[i] == 0 ? -1e9f : 0f;
        }
        return Tensor.fromArray(m, b.size(), 1, 1, b.length());
    }

    /** Mean of the hidden states of real tokens: [batch, hidden]. Padding does not dilute it. */
    public static Tensor meanPool(Tensor hidden, Batch b) {
        float[] w = new float[b.mask().length];
        for (int r = 0; r < b.size(); r++) {
            int n = Math.max(1, b.realTokens(r));
            for (int i = 0; i < b.length(); i++) {
                w[r * b.length() + i] = b.mask()[r * b.length() + i] / (float) n;
            }
        }
        // [b, 1, len] x [b, len, hidden] -> [b, 1, hidden]
        return Tensor.fromArray(w, b.size(), 1, b.length()).matmul(hidden).squeeze(1);
    }

    /** Hidden state of the first ([CLS]) token: [batch, hidden]. */
    public static Tensor clsPool(Tensor hidden) {
        return hidden.select(1, 0);
    }
}
