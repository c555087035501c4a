package dev.polarity.train;

import dev.polarity.engine.io.DType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides a fine-tuning run, recorded in eval.json next to the result. The
 * options come in four groups, each its own record, so a call site names what it sets instead
 * of counting 26 positional arguments; each group checks its own ranges, this record the rules
 * that span groups. Messages name the command-line option, since that is where a bad value comes from.
 */
public record TrainSettings(Path base, Path train, Path dev, Path out, Path checkpoints, long seed, int maxTokens,
                            DType dtype, int limit, int validation, int layers, Optimisation optimisation, Schedule schedule,
                            Distillation distillation, Augmentation augmentation) {

    /** How the weights move: AdamW's rate and decay, clipping, layer-wise decay, the weight average, R-Drop. */
    public record Optimisation(float lr, float weightDecay, float clipNorm, float layerDecay, float emaDecay, float rdrop,
                               boolean freezeWordEmbeddings) {
        public Optimisation {
            if (!(lr > 0)) {
                throw new IllegalArgumentException("lr must be positive");
            }
            if (emaDecay < 0 || emaDecay >= 1) {
                throw new IllegalArgumentException("ema must be in [0, 1) (0 turns it off)");
            }
            if (!(layerDecay > 0 && layerDecay <= 1)) {
                throw new IllegalArgumentException("layer-decay must be in (0, 1] (1 turns it off)");
            }
            if (!(rdrop >= 0)) {
                throw new IllegalArgumentException("rdrop must be >= 0 (0 turns it off)");
            }
        }
    }

    /** How long and how often: epochs, batch size, warm-up share, evaluation and checkpoint intervals. */
    public record Schedule(int epochs, int batchSize, float warmupFraction, int evalEvery, int checkpointEvery) {
        public Schedule {
            if (epochs < 1 || batchSize < 1 || evalEvery < 1 || checkpointEvery < 1) {
                throw new IllegalArgumentException("epochs, batch, eval-every and checkpoint-every must be positive");
            }
            if (!(warmupFraction >= 0 && warmupFraction <= 1)) {
                throw new IllegalArgumentException("warmup must be a fraction in [0, 1]");
            }
        }
    }

    /** Learning from a teacher's predictions; {@code teacher == null} turns it off. */
    public record Distillation(Path teacher, float weight, float temperature) {
        public Distillation {
            if (!(weight >= 0 && weight <= 1) || !(temperature > 0)) {
                throw new IllegalArgumentException("distill must be in [0, 1] and temperature > 0");
            }
        }

        public boolean on() {
            return teacher != null;
        }
    }

    /** What the student sees: a share of word-swapped copies, and a share of SST's spelling undone. */
    public record Augmentation(float share, float detokenize) {
        public Augmentation {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("augment must be a fraction in [0, 1]");
            }
            if (!(detokenize >= 0 && detokenize <= 1)) {
                throw new IllegalArgumentException("detokenize must be a fraction in [0, 1]");
            }
        }
    }

    public TrainSettings {
        if (validation < 0) {
            throw new IllegalArgumentException("validation must be >= 0 (0: dev chooses the saved step)");
        }
        if (layers < 0) {
            throw new IllegalArgumentException("layers must be >= 0 (0: every layer of the base)");
        }
        if (maxTokens < 2) {
            throw new IllegalArgumentException("max-tokens must be at least 2");
        }
        if (augmentation.share() > 0 && !distillation.on()) {
            throw new IllegalArgumentException("--augment needs --teacher: an altered sentence's label comes from the teacher");
        }
        if (distillation.on() && optimisation.rdrop() > 0) {
            throw new IllegalArgumentException("--teacher and --rdrop do not combine; use one");
        }
    }

    /** eval.json's "settings": flat, with the keys every shipped model has recorded so far. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("base", base.toString());
        m.put("train", train.getFileName().toString());
        m.put("dev", dev.getFileName().toString());
        m.put("epochs", schedule.epochs());
        m.put("batch_size", schedule.batchSize());
        m.put("learning_rate", optimisation.lr());
        m.put("warmup_fraction", schedule.warmupFraction());
        m.put("weight_decay", optimisation.weightDecay());
        m.put("clip_norm", optimisation.clipNorm());
        m.put("eval_every", schedule.evalEvery());
        m.put("seed", seed);
        m.put("max_tokens", maxTokens);
        m.put("dtype", dtype.name());
        m.put("freeze_word_embeddings", optimisation.freezeWordEmbeddings());
        m.put("detokenize_probability", augmentation.detokenize());
        m.put("ema_decay", optimisation.emaDecay());
        m.put("layer_decay", optimisation.layerDecay());
        m.put("rdrop", optimisation.rdrop());
        if (distillation.on()) {
            m.put("teacher", distillation.teacher().toString());
            m.put("distill", distillation.weight());
            m.put("temperature", distillation.temperature());
            m.put("augment", augmentation.share());
        }
        m.put("limit", limit);
        m.put("validation", validation);
        if (layers > 0) {
            m.put("layers", layers);
        }
        m.put("selected_on", validation > 0 ? "validation split of " + validation + " training examples" : "dev");
        return m;
    }
}
