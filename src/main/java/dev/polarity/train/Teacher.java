package dev.polarity.train;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.ModelFiles;
import dev.polarity.model.TextEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A fine-tuned classifier whose predictions a student learns from (knowledge distillation, Hinton
 * et al. 2015). It runs inside the student's training step in eval() + noGrad(): no dropout, no
 * graph, nothing kept for backward, so it costs one inference pass a batch. It reads the texts
 * with its own tokenizer, in the same spelling the student was shown.
 */
final class Teacher implements AutoCloseable {
    private final ModelFiles.Loaded loaded;
    private final Spellings spellings;

    private Teacher(ModelFiles.Loaded loaded, Spellings spellings) {
        this.loaded = loaded;
        this.spellings = spellings;
    }

    static Teacher load(Path dir, int maxTokens, List<Example> train, List<String> labels) throws IOException {
        ModelFiles.Loaded loaded = ModelFiles.loadClassifier(dir, maxTokens);
        if (!loaded.model().labels().equals(labels)) {
            loaded.close();
            throw new IOException("teacher " + dir + " has labels " + loaded.model().labels() + ", the student needs " + labels);
        }
        loaded.model().eval();
        return new Teacher(loaded, Spellings.encode(loaded.tokenizer(), train));
    }

    /** A training example in the teacher's own tokenization, in the spelling the student was shown. */
    TextEncoder.Encoded encoded(int example, boolean detokenized) {
        return spellings.get(example, detokenized);
    }

    /** A text the training set does not have (an augmented sentence), in the teacher's tokenization. */
    TextEncoder.Encoded encode(String text) {
        return loaded.tokenizer().encode(text);
    }

    /** softmax(logits / temperature) [n, classes] for these texts, as constants. */
    Tensor probabilities(List<TextEncoder.Encoded> texts, float temperature) {
        try (var scope = GradMode.noGrad()) {
            return loaded.model().forward(TextEncoder.pad(texts)).mul(1f / temperature).softmax(-1);
        }
    }

    /**
     * (1 - weight) x cross-entropy against the labels + weight x T^2 x cross-entropy of the
     * student's softened prediction against the teacher's. T^2 keeps the soft term's gradients the
     * size they have at T = 1 (Hinton et al.), so the weight means the same at any temperature.
     */
    static Tensor distillLoss(Tensor logits, int[] labels, Tensor teacherProbs, float weight, float temperature) {
        Tensor hard = Functional.crossEntropy(logits, labels);
        Tensor soft = Functional.softCrossEntropy(logits.mul(1f / temperature), teacherProbs);
        return hard.mul(1f - weight).add(soft.mul(weight * temperature * temperature));
    }

    @Override
    public void close() {
        loaded.close();
    }
}
