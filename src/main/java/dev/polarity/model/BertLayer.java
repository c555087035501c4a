package dev.polarity.model;

import dev.polarity.engine.nn.Dropout;
import dev.polarity.engine.nn.LayerNorm;
import dev.polarity.engine.nn.Linear;
import dev.polarity.engine.nn.Module;
import dev.polarity.engine.tensor.Functional;
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

    /**
     * x [tokens, hidden]: the real tokens of a batch packed row after row, sentence r spanning rows
     * [starts[r], starts[r+1]). Fused recorded ops only, so with grad on this is what training and
     * explanations differentiate, and padding costs nothing.
     */
    Tensor forward(Tensor x, int[] starts) {
        Tensor attended = attentionOutput.forward(self.forward(x, starts), x);
        Tensor hidden = intermediate.forward(attended, relu ? Functional.Activation.RELU : Functional.Activation.GELU);
        return output.forward(hidden, attended);
    }

    // Typed access to the weights for the no-grad fast path, which lays them out its own way.
    Linear query() {
        return self.query;
    }

    Linear key() {
        return self.key;
    }

    Linear value() {
        return self.value;
    }

    Linear attentionOutput() {
        return attentionOutput.dense;
    }

    LayerNorm attentionNorm() {
        return attentionOutput.norm;
    }

    Linear intermediate() {
        return intermediate;
    }

    Linear output() {
        return output.dense;
    }

    LayerNorm outputNorm() {
        return output.norm;
    }

    boolean usesRelu() {
        return relu;
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
            return norm.forward(dropout.forward(dense.forward(x)), residual);
        }
    }

    static final class SelfAttention extends Module {
        private final Linear query;
        private final Linear key;
        private final Linear value;
        private final Dropout dropout;
        private final int heads;
    
        SelfAttention(BertConfig c, Random rng) {
            query = registerModule("query", new Linear(c.hiddenSize(), c.hiddenSize(), rng));
            key = registerModule("key", new Linear(c.hiddenSize(), c.hiddenSize(), rng));
            value = registerModule("value", new Linear(c.hiddenSize(), c.hiddenSize(), rng));
            dropout = registerModule("dropout", new Dropout((float) c.attentionProbsDropoutProb(), rng));
            heads = c.numAttentionHeads();
        }

        /**
         * Query, key and value side by side in one [tokens, 3 hidden] tensor, one op over the three
         * weights (their stacked panels are cached while none changes), then attention per sentence.
         */
        Tensor forward(Tensor x, int[] starts) {
            Tensor qkv = Functional.linearConcat(x, new Tensor[] {query.weight(), key.weight(), value.weight()},
                    new Tensor[] {query.bias(), key.bias(), value.bias()});
            return Functional.packedAttention(qkv, starts, heads, dropout.activeProbability(), dropout.random());
        }
    }
}
