package dev.polarity.model;

import dev.polarity.engine.io.DType;
import dev.polarity.engine.io.SafeTensors;
import dev.polarity.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Random;

/**
 * A model folder: config.json (with its labels), tokenizer.json and model.safetensors, as in
 * Hugging Face's layout. The folder name is the model's name.
 */
public final class ModelFiles {
    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String WEIGHTS = "model.safetensors";

    private ModelFiles() {}

    /** A loaded classifier with its tokenizer. */
    public record Loaded(String name, SequenceClassifier model, TextEncoder tokenizer) implements AutoCloseable {
        @Override
        public void close() {
            tokenizer.close();
        }
    }

    public static Loaded loadClassifier(Path dir, int maxTokens) throws IOException {
        for (String f : new String[] {CONFIG, TOKENIZER, WEIGHTS}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IOException(dir + ": model folder has no " + f);
            }
        }
        BertConfig config = BertConfig.read(dir.resolve(CONFIG));
        if (config.labels().size() < 2) {
            throw new IOException(dir.resolve(CONFIG) + ": no id2label: this is an encoder, not a classifier");
        }
        if (maxTokens > config.maxPositionEmbeddings()) {
            throw new IOException(dir + ": max tokens " + maxTokens + " exceeds the model's " + config.maxPositionEmbeddings() + " positions");
        }
        SequenceClassifier model = new SequenceClassifier(config, config.labels(), new Random(0));
        try {
            model.loadStateDict(SafeTensors.read(dir.resolve(WEIGHTS)));
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(WEIGHTS) + ": " + e.getMessage(), e);
        }
        model.setTemperature(CalibrationFile.temperature(dir));
        model.eval();
        return new Loaded(name(dir), model, new TextEncoder(dir.resolve(TOKENIZER), maxTokens));
    }

    /** The model's name: its folder's. */
    public static String name(Path dir) {
        Path folder = dir.toAbsolutePath().normalize().getFileName();
        return folder == null ? "" : folder.toString();
    }

    /** Writes config (with labels), a copy of the tokenizer and the weights in {@code dtype}. */
    public static void saveClassifier(SequenceClassifier model, Path tokenizerJson, Path dir, DType dtype,
                                      Map<String, String> metadata) throws IOException {
        Files.createDirectories(dir);
        model.encoder().config().withLabels(model.labels()).write(dir.resolve(CONFIG));
        if (!tokenizerJson.toAbsolutePath().equals(dir.resolve(TOKENIZER).toAbsolutePath())) {
            Files.copy(tokenizerJson, dir.resolve(TOKENIZER), StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, Tensor> state = model.stateDict();
        SafeTensors.write(dir.resolve(WEIGHTS), state, dtype, metadata);
    }
}
