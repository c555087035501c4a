package dev.polarity.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class BertConfigTest {
    /** all-MiniLM-L6-v2's own config.json, extra fields included, as transformers wrote it. */
    private static final String MINILM = """
            {
              "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
              "architectures": ["BertModel"],
              "attention_probs_dropout_prob": 0.1,
              "gradient_checkpointing": false,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1,
              "hidden_size": 384,
              "initializer_range": 0.02,
              "intermediate_size": 1536,
              "layer_norm_eps": 1e-12,
              "max_position_embeddings": 512,
              "model_type": "bert",
              "num_attention_heads": 12,
              "num_hidden_layers": 6,
              "pad_token_id": 0,
              "position_embedding_type": "absolute",
              "transformers_version": "4.8.2",
              "type_vocab_size": 2,
              "use_cache": true,
              "vocab_size": 30522
            }
            """;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void readsTheHuggingFaceConfigOfAllMiniLm() throws IOException {
        BertConfig config = BertConfig.read(write(MINILM));
        assertThat(config).isEqualTo(BertConfig.allMiniLmL6V2());
        assertThat(config.labels()).isEmpty();
        assertThat(config.headDim()).isEqualTo(32);
    }

    @Test
    void roundTripsWithAndWithoutLabels() throws IOException {
        for (BertConfig config : List.of(BertConfig.allMiniLmL6V2(),
                BertConfig.allMiniLmL6V2().withLabels(List.of("negative", "positive")))) {
            Path file = dir.resolve("config.json");
            config.write(file);
            assertThat(BertConfig.read(file)).isEqualTo(config);
        }
        String written = Files.readString(dir.resolve("config.json"));
        assertThat(written).contains("\"id2label\"", "\"label2id\"", "\"hidden_size\" : 384", "BertForSequenceClassification");
    }

    @Test
    void readsId2LabelInIdOrder() throws IOException {
        String json = MINILM.replace("\"use_cache\": true", "\"id2label\": {\"1\": \"positive\", \"0\": \"negative\"}");
        assertThat(BertConfig.read(write(json)).labels()).containsExactly("negative", "positive");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "vocab_size|0|vocab_size must be positive",
        "vocab_size|\"30522\"|invalid field vocab_size: expected an integer",
        "vocab_size|3.5|invalid field vocab_size: expected an integer",
        "hidden_size|-384|hidden_size must be positive",
        "hidden_size|100|hidden_size 100 is not divisible by num_attention_heads 12",
        "num_hidden_layers|0|num_hidden_layers must be positive",
        "num_attention_heads|0|num_attention_heads must be positive",
        "intermediate_size|true|invalid field intermediate_size: expected an integer",
        "hidden_act|\"swish\"|hidden_act \"swish\" is not supported",
        "hidden_act|7|invalid field hidden_act: expected a string",
        "max_position_embeddings|0|max_position_embeddings must be positive",
        "type_vocab_size|99999999999|invalid field type_vocab_size: expected an integer",
        "layer_norm_eps|0|layer_norm_eps must be in (0, 1)",
        "layer_norm_eps|\"1e-12\"|invalid field layer_norm_eps: expected a number",
        "hidden_dropout_prob|1.5|hidden_dropout_prob must be in [0, 1)",
        "attention_probs_dropout_prob|-0.1|attention_probs_dropout_prob must be in [0, 1)",
        "pad_token_id|30522|pad_token_id must be in [0, vocab_size)",
        "model_type|\"roberta\"|model_type must be \"bert\"",
        "position_embedding_type|\"relative_key\"|invalid field position_embedding_type",
        "id2label|[\"a\"]|invalid field id2label: expected an object",
        "id2label|{\"0\": \"a\", \"2\": \"b\"}|invalid field id2label: expected string labels for ids 0..1",
        "id2label|{\"0\": \"a\", \"1\": \"a\"}|id2label must hold distinct, non-blank labels",
    })
    void refusesABadFieldNamingFileAndField(String field, String value, String message) throws IOException {
        Path file = write(withField(field, value));
        assertThatThrownBy(() -> BertConfig.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(file.toString() + ": ")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @ParameterizedTest
    @CsvSource({"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act",
        "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "hidden_dropout_prob",
        "attention_probs_dropout_prob", "pad_token_id", "model_type"})
    void refusesAMissingField(String field) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(MINILM);
        json.remove(field);
        Path file = write(json.toString());
        assertThatThrownBy(() -> BertConfig.read(file))
                .isInstanceOf(IOException.class)
                .hasMessage(file + ": missing field " + field);
    }

    @Test
    void refusesBrokenJsonAndMissingFilesInOneLine() throws IOException {
        Path broken = write("{\"vocab_size\": 3,");
        assertThatThrownBy(() -> BertConfig.read(broken)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(broken + ": not valid JSON")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path array = write("[1, 2]");
        assertThatThrownBy(() -> BertConfig.read(array)).hasMessage(array + ": expected a JSON object");
        assertThatThrownBy(() -> BertConfig.read(dir.resolve("absent.json"))).isInstanceOf(IOException.class);
    }

    @Test
    void theConstructorChecksToo() {
        assertThatThrownBy(() -> BertConfig.allMiniLmL6V2().withLabels(List.of("x", " ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id2label");
        assertThatThrownBy(() -> new BertConfig("bert", 10, 6, 1, 4, 8, "gelu", 8, 2, 1e-12, 0, 0, 0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BertConfig: hidden_size 6 is not divisible by num_attention_heads 4");
    }

    private Path write(String json) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return file;
    }

    /** MINILM with one field set to a raw JSON value. */
    private static String withField(String field, String value) {
        ObjectNode json = (ObjectNode) JSON.readTree(MINILM);
        json.set(field, JSON.readTree(value));
        return json.toString();
    }
}
