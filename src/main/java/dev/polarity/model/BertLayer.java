package dev.polarity.model;

import dev.polarity.engine.nn.Dropout;
import dev.polarity.engine.nn.LayerNorm;
import dev.polarity.engine.nn.Linear;
import dev.polarity.engine.nn.Module;
import dev.polarity.engine.tensor.Tensor;
import java.util.Random;

/**
 * One transformer block, post-LayerNorm as in BERT. The child modules mirror Hugging Face's
 * (attention.self.query, attention.output.dense, intermediate.dense, output.LayerNorm, ...) so
 * parameter names match theirs exactly and imported weights load without a mapping table.
 */
final class BertLayer extends Module {
    private final SelfAttention self;
    private final Projection attentionOutput;
    private final Linear intermediate;
    private final Projection output;
    private final boolean relu;

    BertLayer(BertConfig c, Random rng) {
        Group attention = registerModule("attention", new Group());
        self = attention.registerChild("self", new SelfAttention(c, rng));
        attentionOutput = attention.registerChild("output", new Projection(c.hiddenSize(), c.hiddenSize(), c, rng));
        intermediate = registerModule("intermediate", new Group()).registerChild("dense", new Linear(c.hiddenSize(), c.intermediateSize(), rng));
        output = registerModule("output", new Projection(c.intermediateSize(), c.hiddenSize(), c, rng));
        relu = "relu".equals(c.hiddenAct());
    }

    /** x [batch, length, hidden]; additiveMask [batch, 1, 1, length] (0 for tokens, -1e9 for padding). */
    Tensor forward(Tensor x, Tensor additiveMask) {
        Tensor attended = attentionOutput.forward(self.forward(x, additiveMask), x);
        Tensor hidden = intermediate.forward(attended);
        return output.forward(relu ? hidden.relu() : hidden.gelu(), attended);
    }

    /** A named node in the module tree with no computation of its own. */
    static final class Group extends Module {
        <M extends Module> M registerChild(String name, M m) {
            return registerModule(name, m);
        }
    }

    /** dense -> dropout -> add residual -> LayerNorm. */
    static final class Projection extends Module {
        private final Linear dense;
        private final LayerNorm norm;
        private final Dropout dropout;

        Projection(int in, int out, BertConfig c, Random rng) {
            dense = registerModule("dense", new Linear(in, out, rng));
            norm = registerModule("LayerNorm", new LayerNorm(out, (float) c.layerNormEps()));
            dropout = registerModule("dropout", new Dropout((float) c.hiddenDropoutProb(), rng));
        }

        Tensor forward(Tensor x, Tensor residual) {
            return norm.forward(dropout.forward(dense.forward(x)).add(residual));
        }
    }

    static final class SelfAttention extends Module {
        private final Linear query;
        private final Linear key;
        private final Linear value;
        private final Dropout dropout;
        private final int heads;
        private final int headDim;

        SelfAttention(BertConfig c, Random rng) {
            query = registerModule("query", new Linear(c.hiddenSize(), c.hiddenSize(), rng));
            key = registerModule("key", new Linear(c.hiddenSize(), c.hiddenSize(), rng));
            value = registerModule("value", new Linear(c.hiddenSize(), c.hiddenSize(), rng));
            dropout = registerModule("dropout", new Dropout((float) c.attentionProbsDropoutProb(), rng));
            heads = c.numAttentionHeads();
            headDim = c.hiddenSize() / heads;
        }

        Tensor forward(Tensor x, Tensor additiveMask) {
            int b = x.size(0);
            int len = x.size(1);
            // [b, len, heads, d] -> [b, heads, len, d]: views only; matmul reads the strides as they are.
            Tensor q = query.forward(x).view(b, len, heads, headDim).permute(0, 2, 1, 3);
            Tensor k = key.forward(x).view(b, len, heads, headDim).permute(0, 2, 3, 1);
            Tensor v = value.forward(x).view(b, len, heads, headDim).permute(0, 2, 1, 3);
            Tensor scores = q.matmul(k).mul((float) (1.0 / Math.sqrt(headDim))).add(additiveMask);
            Tensor context = dropout.forward(scores.softmax(-1)).matmul(v);
            return context.permute(0, 2, 1, 3).reshape(b, len, heads * headDim);
        }
    }
}
