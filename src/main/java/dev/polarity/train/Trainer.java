package dev.polarity.train;

import dev.polarity.engine.io.SafeTensors;
import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.optim.AdamW;
import dev.polarity.engine.optim.GradClip;
import dev.polarity.engine.optim.LinearSchedule;
import dev.polarity.engine.optim.WeightAverage;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.BertConfig;
import dev.polarity.model.EncoderState;
import dev.polarity.model.ModelFiles;
import dev.polarity.model.SequenceClassifier;
import dev.polarity.model.TextEncoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tunes the pretrained encoder plus a fresh head on labelled text with the engine's own
 * autograd: train() with dropout, AdamW with warm-up and linear decay, clipping, evaluation on
 * dev in eval() + noGrad() keeping the best, and checkpoints to resume from.
 */
public final class Trainer {
    public static final List<String> LABELS = List.of("negative", "positive");
    /** TinyBERT's settings for word replacement: 15 candidates, each word swapped with probability 0.4. */
    private static final int AUGMENT_NEIGHBOURS = 15;
    private static final float AUGMENT_WORD_PROBABILITY = 0.4f;
    /** Function words stay: swapped without context they make word salad, not new sentences. */
    private static final int AUGMENT_SKIP_MOST_FREQUENT = 30;

    private final TrainSettings s;
    private final PrintStream log;
    /** What chooses the saved step: dev, or the validation split held out of the training data. */
    private String selectionName = "dev";

    public Trainer(TrainSettings settings, PrintStream log) {
        this.s = settings;
        this.log = log;
    }

    public Metrics run() throws IOException {
        List<Example> train = readReporting(s.train());
        List<Example> dev = readReporting(s.dev());
        if (s.limit() > 0 && train.size() > s.limit()) {
            train = train.subList(0, s.limit());
        }
        List<Example> selection = dev;
        if (s.validation() > 0) {
            ValidationSplit split = ValidationSplit.of(train, s.validation(), s.seed());
            train = split.train();
            selection = split.validation();
            selectionName = "validation";
            log.printf("holding out %d training examples as the validation split that chooses the saved step;"
                    + " dev is scored once, at the end%n", selection.size());
        }
        BertConfig config = BertConfig.read(s.base().resolve(ModelFiles.CONFIG)).withLabels(LABELS);
        if (s.layers() > 0) {
            config = config.withDepth(s.layers(), config.numAttentionHeads());
        }
        Random dropoutRng = new Random(s.seed());
        SequenceClassifier model = new SequenceClassifier(config, LABELS, dropoutRng);
        model.loadEncoder(EncoderState.of(SafeTensors.read(s.base().resolve(ModelFiles.WEIGHTS)), s.layers()));
        try (TextEncoder tokenizer = new TextEncoder(tokenizerJson(), s.maxTokens());
             Teacher teacher = s.distillation().teacher() == null ? null : Teacher.load(s.distillation().teacher(), s.maxTokens(), train, LABELS)) {
            log.printf("tokenizing %d training examples (both spellings)...%n", train.size());
            Spellings spellings = Spellings.encode(tokenizer, train);
            Augmenter augmenter = null;
            if (s.augmentation().share() > 0) {
                augmenter = Augmenter.build(train, tokenizer, model.encoder().wordEmbeddingWeight(),
                        AUGMENT_NEIGHBOURS, AUGMENT_WORD_PROBABILITY, AUGMENT_SKIP_MOST_FREQUENT);
                log.printf("augmenting %.0f%% of examples: %d words with %d neighbours each%n", 100 * s.augmentation().share(),
                        augmenter.vocabularySize(), AUGMENT_NEIGHBOURS);
            }
            return loop(model, tokenizer, selection, dev, dropoutRng,
                    new BatchSource(s, train, spellings, tokenizer, teacher, augmenter));
        }
    }

    private List<Example> readReporting(Path file) throws IOException {
        TsvReader.Result r = TsvReader.read(file);
        if (r.skipped() > 0) {
            log.printf("%s: skipped %d malformed lines%n", file, r.skipped());
            r.problems().forEach(p -> log.println("  " + p));
        }
        return r.examples();
    }

    /** Steps, evaluates and checkpoints; what goes into a step is the batch source's and the loss's business. */
    private Metrics loop(SequenceClassifier model, TextEncoder tokenizer, List<Example> selection, List<Example> dev,
                         Random dropoutRng, BatchSource source) throws IOException {
        if (s.optimisation().freezeWordEmbeddings()) {
            model.encoder().wordEmbeddingWeight().requiresGrad(false);
        }
        int layers = model.encoder().config().numHiddenLayers();
        AdamW opt = new AdamW(groups(model.namedParameters(), layers, s.optimisation().weightDecay(), s.optimisation().layerDecay()), s.optimisation().lr(), 0.9f, 0.999f, 1e-8f);
        List<Parameter> trainable = opt.params();
        int perEpoch = source.stepsPerEpoch();
        int total = perEpoch * s.schedule().epochs();
        LinearSchedule schedule = new LinearSchedule(s.optimisation().lr(), Math.round(total * s.schedule().warmupFraction()), total);
        WeightAverage ema = s.optimisation().emaDecay() > 0 ? new WeightAverage(trainable, s.optimisation().emaDecay()) : null;
        Checkpoint.State state = resumed(Checkpoint.load(s.checkpoints(), model, opt, ema), total);
        Progress progress = new Progress(log, total, state.step(), selectionName);
        double lastDev = state.bestAccuracy();
        for (int step = state.step(); step < total; step++) {
            BatchSource.TrainBatch batch = source.batch(step);
            model.train();
            dropoutRng.setSeed(s.seed() ^ (step * 0x9E3779B97F4A7C15L)); // same masks after a resume
            Tensor loss = Losses.of(model, batch, s);
            loss.backward();
            GradClip.clipGradNorm(trainable, s.optimisation().clipNorm());
            opt.setLr(schedule.at(step));
            opt.step();
            opt.zeroGrad();
            if (ema != null) {
                ema.update();
            }
            progress.step(step + 1, step / perEpoch + 1, s.schedule().epochs(), loss.item(), batch.labels().length, opt.lr(), lastDev);
            boolean last = step + 1 == total;
            if ((step + 1) % s.schedule().evalEvery() == 0 || (step + 1) % perEpoch == 0 || last) {
                lastDev = evaluate(model, ema, tokenizer, selection, state, step + 1);
                if (lastDev > state.bestAccuracy()) {
                    state = new Checkpoint.State(step + 1, lastDev, step + 1);
                }
            }
            if ((step + 1) % s.schedule().checkpointEvery() == 0 || last) {
                Checkpoint.save(s.checkpoints(), model, opt, ema, new Checkpoint.State(step + 1, state.bestAccuracy(), state.bestStep()));
            }
        }
        return finish(selection, dev, progress);
    }

    private Checkpoint.State resumed(Checkpoint.State loaded, int total) {
        if (loaded == null) {
            return new Checkpoint.State(0, -1, -1);
        }
        log.printf("resuming at step %d of %d (best %s accuracy so far %.4f at step %d)%n", loaded.step(), total, selectionName,
                loaded.bestAccuracy(), loaded.bestStep());
        return loaded;
    }

    /**
     * Scores the live weights and, when the run keeps one, the weight average; saves whichever
     * beats the best so far and returns the better score. The average is swapped in place for
     * scoring and swapped back.
     */
    private double evaluate(SequenceClassifier model, WeightAverage ema, TextEncoder tokenizer,
                                      List<Example> dev, Checkpoint.State state, int step) throws IOException {
        double live = Evaluator.evaluate(model, tokenizer, dev, 64).accuracy();
        double averaged = -1;
        if (ema != null) {
            ema.swap();
            try {
                averaged = Evaluator.evaluate(model, tokenizer, dev, 64).accuracy();
                if (averaged > live && averaged > state.bestAccuracy()) {
                    save(model, step, "average");
                }
            } finally {
                ema.swap();
            }
        }
        if (live >= averaged && live > state.bestAccuracy()) {
            save(model, step, "live");
        }
        double score = Math.max(live, averaged);
        String scores = ema == null ? String.format("%.4f", live) : String.format("%.4f (average %.4f)", live, averaged);
        if (score > state.bestAccuracy()) {
            log.printf("%nstep %d: %s accuracy %s (new best, saved to %s)%n", step, selectionName, scores, s.out());
        } else {
            log.printf("%nstep %d: %s accuracy %s (best %.4f at step %d)%n", step, selectionName, scores, state.bestAccuracy(),
                    state.bestStep());
        }
        return score;
    }

    private void save(SequenceClassifier model, int step, String weights) throws IOException {
        ModelFiles.saveClassifier(model, tokenizerJson(), s.out(), s.dtype(),
                Map.of("step", Integer.toString(step), "weights", weights));
    }

    private Path tokenizerJson() {
        return s.base().resolve(ModelFiles.TOKENIZER);
    }

    /**
     * Re-reads the saved best model (in its stored dtype); with a validation split, fits its
     * temperature there (calibration.json); then scores dev once and writes eval.json from it.
     */
    private Metrics finish(List<Example> selection, List<Example> dev, Progress progress) throws IOException {
        if (s.validation() > 0) {
            try (ModelFiles.Loaded best = ModelFiles.loadClassifier(s.out(), s.maxTokens())) {
                CalibrationFit fit = CalibrationFit.of(best.model(), best.tokenizer(), selection, "validation split of "
                        + s.train().getFileName() + " (" + selection.size() + " examples, seed " + s.seed() + ")");
                fit.write(s.out());
                log.printf("%ntemperature %.3f fitted on the validation split: %s%n", fit.temperature(), fit.summary());
            }
        }
        try (ModelFiles.Loaded best = ModelFiles.loadClassifier(s.out(), s.maxTokens())) {
            Metrics m = Evaluator.evaluate(best.model(), best.tokenizer(), dev, 64);
            EvalReport.write(s.out(), m, s, progress.examplesPerSecond(), progress.elapsedMinutes());
            log.printf("%nbest model %s on dev: %s", s.out(), m.format());
            return m;
        }
    }

    /**
     * Optimizer groups: no weight decay on biases and LayerNorm weights; with layer decay d < 1,
     * the head keeps the full learning rate, encoder layer i (0 = lowest) of L gets d^(L - i) of it
     * and the embeddings d^(L + 1), so the pretrained lower layers, which carry general language,
     * move least. Frozen parameters are left out.
     */
    static List<AdamW.Group> groups(Map<String, Parameter> named, int layers, float weightDecay, float layerDecay) {
        record Key(int depth, boolean exempt) {}
        Map<Key, List<Parameter>> byKey = new LinkedHashMap<>();
        named.forEach((name, p) -> {
            if (p.requiresGrad()) {
                Key key = new Key(depth(name, layers), name.endsWith("bias") || name.contains("LayerNorm"));
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
            }
        });
        List<AdamW.Group> groups = new ArrayList<>();
        byKey.forEach((k, params) -> groups.add(new AdamW.Group(params, k.exempt() ? 0f : weightDecay,
                (float) Math.pow(layerDecay, layers + 1 - k.depth()))));
        return groups;
    }

    /** 0 for the embeddings, i + 1 for encoder layer i, layers + 1 for everything above (the head). */
    static int depth(String name, int layers) {
        String layerPrefix = "bert.encoder.layer.";
        if (name.startsWith("bert.embeddings.")) {
            return 0;
        }
        if (name.startsWith(layerPrefix)) {
            String rest = name.substring(layerPrefix.length());
            return Integer.parseInt(rest.substring(0, rest.indexOf('.'))) + 1;
        }
        return layers + 1;
    }
}
