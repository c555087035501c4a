package dev.polarity.train;

import dev.polarity.engine.io.DType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Everything that decides a fine-tuning run; recorded in eval.json next to the result. */
public record TrainSettings(Path base, Path train, Path dev, Path out, Path checkpoints, int epochs, int batchSize,
                            float lr, float warmupFraction, float weightDecay, float clipNorm, int evalEvery,
                            int checkpointEvery, long seed, int maxTokens, DType dtype, boolean freezeWordEmbeddings,
                            float detokenizeProbability, float emaDecay, float layerDecay, float rdrop, Path teacher, float distill,
                            float temperature, float augment, int limit) {
    public TrainSettings {
        if (epochs < 1 || batchSize < 1 || lr <= 0 || evalEvery < 1 || checkpointEvery < 1 || maxTokens < 2) {
            throw new IllegalArgumentException("epochs, batch, lr, eval-every, checkpoint-every must be positive and max-tokens >= 2");
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
        if (!(distill >= 0 && distill <= 1) || !(temperature > 0)) {
            throw new IllegalArgumentException("distill must be in [0, 1] and temperature > 0");
        }
        if (!(augment >= 0 && augment <= 1)) {
            throw new IllegalArgumentException("augment must be a fraction in [0, 1]");
        }
        if (augment > 0 && teacher == null) {
            throw new IllegalArgumentException("--augment needs --teacher: an altered sentence's label comes from the teacher");
        }
        if (teacher != null && rdrop > 0) {
            throw new IllegalArgumentException("--teacher and --rdrop do not combine; use one");
        }
        if (warmupFraction < 0 || warmupFraction > 1 || detokenizeProbability < 0 || detokenizeProbability > 1) {
            throw new IllegalArgumentException("warmup and detokenize must be fractions in [0, 1]");
        }
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("base", base.toString());
        m.put("train", train.getFileName().toString());
        m.put("dev", dev.getFileName().toString());
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("learning_rate", lr);
        m.put("warmup_fraction", warmupFraction);
        m.put("weight_decay", weightDecay);
        m.put("clip_norm", clipNorm);
        m.put("eval_every", evalEvery);
        m.put("seed", seed);
        m.put("max_tokens", maxTokens);
        m.put("dtype", dtype.name());
        m.put("freeze_word_embeddings", freezeWordEmbeddings);
        m.put("detokenize_probability", detokenizeProbability);
        m.put("ema_decay", emaDecay);
        m.put("layer_decay", layerDecay);
        m.put("rdrop", rdrop);
        if (teacher != null) {
            m.put("teacher", teacher.toString());
            m.put("distill", distill);
            m.put("temperature", temperature);
            m.put("augment", augment);
        }
        m.put("limit", limit);
        return m;
    }
}
