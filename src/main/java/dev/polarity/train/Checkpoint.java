package dev.polarity.train;

import dev.polarity.engine.io.DType;
import dev.polarity.engine.io.SafeTensors;
import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.optim.AdamW;
import dev.polarity.engine.optim.WeightAverage;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.SequenceClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to resume a run at the step it stopped: weights, AdamW moments and step
 * count, the weight average if the run keeps one, and the best dev accuracy so far. Batches and dropout masks are derived from the seed
 * and the step, so nothing else needs saving. Written atomically (temp file, then rename).
 */
final class Checkpoint {
    static final String FILE = "checkpoint.safetensors";

    record State(int step, double bestAccuracy, int bestStep) {}

    private Checkpoint() {}

    static void save(Path dir, SequenceClassifier model, AdamW opt, WeightAverage ema, State state) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> all = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> all.put("model." + k, v));
        Map<String, Parameter> named = model.namedParameters();
        named.forEach((k, p) -> {
            float[][] mv = opt.moments().get(p);
            if (mv != null) {
                int[] shape = p.shape().toArray();
                all.put("adam.m." + k, Tensor.fromArray(mv[0], shape));
                all.put("adam.v." + k, Tensor.fromArray(mv[1], shape));
            }
            float[] avg = ema == null ? null : ema.average(p);
            if (avg != null) {
                all.put("ema." + k, Tensor.fromArray(avg, p.shape().toArray()));
            }
        });
        SafeTensors.write(dir.resolve(FILE), all, DType.F32, Map.of(
                "step", Integer.toString(state.step()),
                "adam_steps", Integer.toString(opt.steps()),
                "ema_updates", Integer.toString(ema == null ? 0 : ema.updates()),
                "best_accuracy", Double.toString(state.bestAccuracy()),
                "best_step", Integer.toString(state.bestStep())));
    }

    /** Restores into model, optimizer and weight average (when there is one); returns null when there is no checkpoint. */
    static State load(Path dir, SequenceClassifier model, AdamW opt, WeightAverage ema) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Map<String, Tensor> all = SafeTensors.read(file);
        Map<String, String> meta = SafeTensors.readMetadata(file);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("model.")) {
                weights.put(k.substring(6), v);
            }
        });
        model.loadStateDict(weights);
        model.namedParameters().forEach((k, p) -> {
            Tensor m = all.get("adam.m." + k);
            Tensor v = all.get("adam.v." + k);
            if (m != null && v != null) {
                opt.moments().put(p, new float[][] {m.toArray(), v.toArray()});
            }
            Tensor avg = all.get("ema." + k);
            if (ema != null && ema.average(p) != null && avg != null) {
                System.arraycopy(avg.toArray(), 0, ema.average(p), 0, p.numel());
            }
        });
        if (ema != null) {
            ema.setUpdates(Integer.parseInt(meta.getOrDefault("ema_updates", "0")));
        }
        opt.setSteps(Integer.parseInt(meta.get("adam_steps")));
        return new State(Integer.parseInt(meta.get("step")), Double.parseDouble(meta.get("best_accuracy")),
                Integer.parseInt(meta.get("best_step")));
    }
}
