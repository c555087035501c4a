package dev.polarity.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The shape of a BERT encoder, read from and written to a Hugging Face {@code config.json} so
 * that a model directory stays interchangeable with {@code transformers}. The JSON is parsed
 * into a tree and checked field by field rather than bound to the record, because a bad config
 * must fail with one line that names the file and the field, not a Jackson stack trace.
 *
 * @param labels classifier labels in id order ({@code id2label}); empty for a bare encoder
 */
public record BertConfig(String modelType, int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                         int intermediateSize, String hiddenAct, int maxPositionEmbeddings, int typeVocabSize,
                         double layerNormEps, double hiddenDropoutProb, double attentionProbsDropoutProb,
                         int padTokenId, List<String> labels) {

    /** The activations the engine has kernels for; "gelu" is the exact-erf GELU that BERT uses. */
    public static final Set<String> SUPPORTED_ACTIVATIONS = Set.of("gelu", "relu");

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public BertConfig {
        labels = labels == null ? List.of() : List.copyOf(labels);
        String problem = problem(modelType, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                hiddenAct, maxPositionEmbeddings, typeVocabSize, layerNormEps, hiddenDropoutProb,
                attentionProbsDropoutProb, padTokenId, labels);
        if (problem != null) {
            throw new IllegalArgumentException("BertConfig: " + problem);
        }
    }

    /** The sentence-transformers/all-MiniLM-L6-v2 encoder, as its config.json gives it. */
    public static BertConfig allMiniLmL6V2() {
        return new BertConfig("bert", 30522, 384, 6, 12, 1536, "gelu", 512, 2, 1e-12, 0.1, 0.1, 0, List.of());
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** The same encoder with another depth and head count: what an import of a deeper export of this width needs. */
    public BertConfig withDepth(int layers, int heads) {
        return new BertConfig(modelType, vocabSize, hiddenSize, layers, heads, intermediateSize, hiddenAct,
                maxPositionEmbeddings, typeVocabSize, layerNormEps, hiddenDropoutProb, attentionProbsDropoutProb,
                padTokenId, labels);
    }

    public BertConfig withLabels(List<String> newLabels) {
        return new BertConfig(modelType, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                hiddenAct, maxPositionEmbeddings, typeVocabSize, layerNormEps, hiddenDropoutProb,
                attentionProbsDropoutProb, padTokenId, newLabels);
    }

    public static BertConfig read(Path configJson) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(configJson));
        } catch (JacksonException e) {
            throw new IOException(configJson + ": not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new IOException(configJson + ": expected a JSON object");
        }
        Fields f = new Fields(root, configJson);
        String positionType = root.has("position_embedding_type") ? f.string("position_embedding_type") : "absolute";
        if (!positionType.equals("absolute")) {
            throw f.invalid("position_embedding_type", "only \"absolute\" is supported, got \"" + positionType + "\"");
        }
        try {
            return new BertConfig(f.string("model_type"), f.integer("vocab_size"), f.integer("hidden_size"),
                    f.integer("num_hidden_layers"), f.integer("num_attention_heads"), f.integer("intermediate_size"),
                    f.string("hidden_act"), f.integer("max_position_embeddings"), f.integer("type_vocab_size"),
                    f.number("layer_norm_eps"), f.number("hidden_dropout_prob"),
                    f.number("attention_probs_dropout_prob"), f.integer("pad_token_id"), f.labels());
        } catch (IllegalArgumentException e) {
            // The record's own checks (ranges, divisibility) already name the field; add the file.
            throw new IOException(configJson + ": " + e.getMessage().substring("BertConfig: ".length()));
        }
    }

    /** Writes the Hugging Face names, plus the fields transformers needs to load the directory. */
    public void write(Path configJson) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add(labels.isEmpty() ? "BertModel" : "BertForSequenceClassification");
        root.put("model_type", modelType);
        root.put("vocab_size", vocabSize);
        root.put("hidden_size", hiddenSize);
        root.put("num_hidden_layers", numHiddenLayers);
        root.put("num_attention_heads", numAttentionHeads);
        root.put("intermediate_size", intermediateSize);
        root.put("hidden_act", hiddenAct);
        root.put("max_position_embeddings", maxPositionEmbeddings);
        root.put("type_vocab_size", typeVocabSize);
        root.put("layer_norm_eps", layerNormEps);
        root.put("hidden_dropout_prob", hiddenDropoutProb);
        root.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        root.put("pad_token_id", padTokenId);
        root.put("position_embedding_type", "absolute");
        if (!labels.isEmpty()) {
            ObjectNode id2label = root.putObject("id2label");
            ObjectNode label2id = root.putObject("label2id");
            for (int i = 0; i < labels.size(); i++) {
                id2label.put(Integer.toString(i), labels.get(i));
                label2id.put(labels.get(i), i);
            }
        }
        Files.writeString(configJson, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    private static String problem(String modelType, int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                                  int intermediateSize, String hiddenAct, int maxPositionEmbeddings, int typeVocabSize,
                                  double layerNormEps, double hiddenDropoutProb, double attentionProbsDropoutProb,
                                  int padTokenId, List<String> labels) {
        if (!"bert".equals(modelType)) {
            return "model_type must be \"bert\", got " + quoted(modelType);
        }
        String[] names = {"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
            "max_position_embeddings", "type_vocab_size"};
        int[] sizes = {vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, maxPositionEmbeddings, typeVocabSize};
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] <= 0) {
                return names[i] + " must be positive, got " + sizes[i];
            }
        }
        if (hiddenSize % numAttentionHeads != 0) {
            return "hidden_size " + hiddenSize + " is not divisible by num_attention_heads " + numAttentionHeads;
        }
        if (!SUPPORTED_ACTIVATIONS.contains(hiddenAct)) {
            return "hidden_act " + quoted(hiddenAct) + " is not supported (supported: gelu, relu)";
        }
        if (!(layerNormEps > 0 && layerNormEps < 1)) {
            return "layer_norm_eps must be in (0, 1), got " + layerNormEps;
        }
        if (!(hiddenDropoutProb >= 0 && hiddenDropoutProb < 1)) {
            return "hidden_dropout_prob must be in [0, 1), got " + hiddenDropoutProb;
        }
        if (!(attentionProbsDropoutProb >= 0 && attentionProbsDropoutProb < 1)) {
            return "attention_probs_dropout_prob must be in [0, 1), got " + attentionProbsDropoutProb;
        }
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            return "pad_token_id must be in [0, vocab_size), got " + padTokenId;
        }
        if (labels.stream().anyMatch(l -> l == null || l.isBlank()) || Set.copyOf(labels).size() != labels.size()) {
            return "id2label must hold distinct, non-blank labels, got " + labels;
        }
        return null;
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /** Typed access to the tree, each failure naming the file and the field. */
    private record Fields(JsonNode root, Path file) {
        JsonNode required(String name) throws IOException {
            JsonNode node = root.get(name);
            if (node == null || node.isNull()) {
                throw new IOException(file + ": missing field " + name);
            }
            return node;
        }

        String string(String name) throws IOException {
            JsonNode node = required(name);
            if (!node.isString()) {
                throw invalid(name, "expected a string, got " + node.getNodeType());
            }
            return node.stringValue();
        }

        int integer(String name) throws IOException {
            JsonNode node = required(name);
            if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                throw invalid(name, "expected an integer, got " + node);
            }
            return node.intValue();
        }

        double number(String name) throws IOException {
            JsonNode node = required(name);
            if (!node.isNumber()) {
                throw invalid(name, "expected a number, got " + node);
            }
            return node.doubleValue();
        }

        /** {@code id2label} is optional; when present its keys must be exactly "0".."n-1". */
        List<String> labels() throws IOException {
            JsonNode node = root.get("id2label");
            if (node == null || node.isNull()) {
                return List.of();
            }
            if (!node.isObject()) {
                throw invalid("id2label", "expected an object of id to label, got " + node.getNodeType());
            }
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode label = node.get(Integer.toString(i));
                if (label == null || !label.isString()) {
                    throw invalid("id2label", "expected string labels for ids 0.." + (node.size() - 1) + ", id " + i + " is " + label);
                }
                labels.add(label.stringValue());
            }
            return labels;
        }

        IOException invalid(String name, String why) {
            return new IOException(file + ": invalid field " + name + ": " + why);
        }
    }
}
