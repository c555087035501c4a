package dev.polarity.train;

import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.SequenceClassifier;
import dev.polarity.model.TextEncoder;
import java.util.ArrayList;
import java.util.List;

/** The training objective of a step: cross-entropy, distillation from a teacher, or R-Drop. */
final class Losses {
    private Losses() {}

    static Tensor of(SequenceClassifier model, BatchSource.TrainBatch b, TrainSettings s) {
        if (s.optimisation().rdrop() > 0) {
            return rdrop(model, b.texts(), b.labels(), s.optimisation().rdrop());
        }
        Tensor logits = model.forward(TextEncoder.pad(b.texts()));
        return b.teacherProbs() == null ? Functional.crossEntropy(logits, b.labels())
                : Teacher.distillLoss(logits, b.labels(), b.teacherProbs(), s.distillation().weight(), s.distillation().temperature());
    }

    /**
     * R-Drop (Liang et al., 2021): the batch goes through twice in one forward pass, so each copy
     * draws its own dropout masks, and the loss adds the symmetric KL divergence between the two
     * predictions to their mean cross-entropy. That penalises predictions that hinge on which units
     * dropout kept. The paper's loss halved: mean CE + rdrop * (KL(p||q) + KL(q||p)) / 4, so the
     * cross-entropy term and the learning rate keep the meaning they have without it.
     */
    static Tensor rdrop(SequenceClassifier model, List<TextEncoder.Encoded> texts, int[] labels, float alpha) {
        int n = texts.size();
        List<TextEncoder.Encoded> twice = new ArrayList<>(texts);
        twice.addAll(texts);
        int[] labelsTwice = new int[2 * n];
        System.arraycopy(labels, 0, labelsTwice, 0, n);
        System.arraycopy(labels, 0, labelsTwice, n, n);
        Tensor logits = model.forward(TextEncoder.pad(twice));
        Tensor kl = Functional.symmetricKl(logits.narrow(0, 0, n), logits.narrow(0, n, n));
        return Functional.crossEntropy(logits, labelsTwice).add(kl.mul(alpha / 2f));
    }
}
