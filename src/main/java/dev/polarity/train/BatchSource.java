package dev.polarity.train;

import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.TextEncoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Where each training step's examples come from: the epoch's shuffled, length-pooled batches of
 * the training set, each text in one of its two spellings, a share of them rewritten by the
 * augmenter, and the teacher's softened predictions when distilling. Deterministic per step, so a
 * resumed run sees the very same batches.
 */
final class BatchSource {
    private static final int POOL = 50; // batches sorted together by length: little padding, still shuffled

    /** One step's input: the texts as the student reads them, their hard labels, and the teacher's probabilities (or null). */
    record TrainBatch(List<TextEncoder.Encoded> texts, int[] labels, Tensor teacherProbs) {}

    private final TrainSettings s;
    private final List<Example> train;
    private final Spellings spellings;
    private final TextEncoder tokenizer;
    private final Teacher teacher;
    private final Augmenter augmenter;
    private final int perEpoch;
    private List<int[]> batches;
    private int batchesEpoch = -1;

    BatchSource(TrainSettings s, List<Example> train, Spellings spellings, TextEncoder tokenizer, Teacher teacher, Augmenter augmenter) {
        this.s = s;
        this.train = train;
        this.spellings = spellings;
        this.tokenizer = tokenizer;
        this.teacher = teacher;
        this.augmenter = augmenter;
        this.perEpoch = (train.size() + s.schedule().batchSize() - 1) / s.schedule().batchSize();
    }

    int stepsPerEpoch() {
        return perEpoch;
    }

    TrainBatch batch(int step) {
        int epoch = step / perEpoch;
        if (batchesEpoch != epoch) {
            batches = epochBatches(s, epoch, spellings.plain());
            batchesEpoch = epoch;
        }
        int[] batch = batches.get(step % perEpoch);
        Random pick = new Random(s.seed() * 1_000_003L + step);
        List<TextEncoder.Encoded> texts = new ArrayList<>(batch.length);
        List<TextEncoder.Encoded> teacherTexts = new ArrayList<>(batch.length);
        int[] labels = new int[batch.length];
        boolean[] augmented = new boolean[batch.length];
        for (int i = 0; i < batch.length; i++) {
            boolean detokenized = pick.nextFloat() < s.augmentation().detokenize();
            labels[i] = train.get(batch[i]).label();
            augmented[i] = augmenter != null && pick.nextFloat() < s.augmentation().share();
            if (augmented[i]) {
                String text = augmenter.augment(train.get(batch[i]).text(), pick);
                String spelled = detokenized ? SstText.detokenize(text) : text;
                texts.add(tokenizer.encode(spelled));
                teacherTexts.add(teacher.encode(spelled));
            } else {
                texts.add(spellings.get(batch[i], detokenized));
                if (teacher != null) {
                    teacherTexts.add(teacher.encoded(batch[i], detokenized));
                }
            }
        }
        Tensor teacherProbs = teacher == null ? null : teacher.probabilities(teacherTexts, s.distillation().temperature());
        if (augmenter != null) {
            relabel(labels, augmented, teacherProbs);
        }
        return new TrainBatch(texts, labels, teacherProbs);
    }

    /**
     * An augmented sentence may no longer mean what its label says ("a good film" -> "a bad film"),
     * so its hard label is the teacher's choice; the others keep the label from the data.
     */
    static void relabel(int[] labels, boolean[] augmented, Tensor teacherProbs) {
        float[] choice = teacherProbs.argmax(-1, false).toArray();
        for (int i = 0; i < labels.length; i++) {
            if (augmented[i]) {
                labels[i] = (int) choice[i];
            }
        }
    }

    /** The batches of one epoch: a seeded shuffle, pools sorted by length, batch order shuffled again. */
    static List<int[]> epochBatches(TrainSettings s, int epoch, List<TextEncoder.Encoded> encoded) {
        Random rng = new Random(s.seed() * 31 + epoch);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < encoded.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, rng);
        List<int[]> out = new ArrayList<>();
        int size = s.schedule().batchSize();
        int pool = size * POOL;
        for (int p = 0; p < order.size(); p += pool) {
            List<Integer> chunk = new ArrayList<>(order.subList(p, Math.min(order.size(), p + pool)));
            chunk.sort((a, b) -> Integer.compare(encoded.get(a).length(), encoded.get(b).length()));
            for (int i = 0; i < chunk.size(); i += size) {
                out.add(chunk.subList(i, Math.min(chunk.size(), i + size)).stream().mapToInt(Integer::intValue).toArray());
            }
        }
        Collections.shuffle(out, rng);
        return out;
    }
}
