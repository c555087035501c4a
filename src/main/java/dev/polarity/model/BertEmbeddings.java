package dev.polarity.model;

import dev.polarity.engine.nn.Dropout;
import dev.polarity.engine.nn.Embedding;
import dev.polarity.engine.nn.LayerNorm;
import dev.polarity.engine.nn.Module;
import dev.polarity.engine.tensor.Tensor;
import java.util.Random;

/** Word + position + token-type embeddings, then LayerNorm and dropout. */
final class BertEmbeddings extends Module {
    private final Embedding words;
    private final Embedding positions;
    private final Embedding types;
    private final LayerNorm norm;
    private final Dropout dropout;
    private final int maxPositions;

    BertEmbeddings(BertConfig c, Random rng) {
        words = registerModule("word_embeddings", new Embedding(c.vocabSize(), c.hiddenSize(), rng));
        positions = registerModule("position_embeddings", new Embedding(c.maxPositionEmbeddings(), c.hiddenSize(), rng));
        types = registerModule("token_type_embeddings", new Embedding(c.typeVocabSize(), c.hiddenSize(), rng));
        norm = registerModule("LayerNorm", new LayerNorm(c.hiddenSize(), (float) c.layerNormEps()));
        dropout = registerModule("dropout", new Dropout((float) c.hiddenDropoutProb(), rng));
        maxPositions = c.maxPositionEmbeddings();
    }

    Embedding wordEmbedding() {
        return words;
    }

    Embedding positionEmbedding() {
        return positions;
    }

    Embedding typeEmbedding() {
        return types;
    }

    LayerNorm norm() {
        return norm;
    }

    /** The embeddings of the real tokens [tokens, hidden], packed as {@link Packing} lays them out. */
    Tensor forward(Batch b, Packing p) {
        return forwardFromWords(words.forward(p.take(b.ids()), p.tokens()), b, p);
    }

    /** The word-embedding rows of the batch's ids: [batch, length, hidden], what gradient explanations differentiate against. */
    Tensor words(Batch b) {
        return words.forward(b.ids(), b.size(), b.length());
    }

    /** The rest of the embedding layer, from the real tokens' word embeddings [tokens, hidden]. */
    Tensor forwardFromWords(Tensor packedWords, Batch b, Packing p) {
        if (b.length() > maxPositions) {
            throw new IllegalArgumentException("sequence length " + b.length() + " exceeds the model's " + maxPositions + " positions");
        }
        Tensor positionAndType = positions.forward(p.positions(), p.tokens()).add(types.forward(p.take(b.typeIds()), p.tokens()));
        return dropout.forward(norm.forward(packedWords, positionAndType));
    }
}
