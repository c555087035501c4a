package dev.polarity.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * k8s/ as {@code kubectl kustomize} renders it, validated against the Kubernetes API's OpenAPI
 * schema, as kubeconform would, offline. The schema comes compiled: the Kubernetes project
 * generates its Java client's models from it, and each model's {@code validateJsonElement}
 * refuses fields the schema does not define, misses fields it requires (a topology spread
 * constraint without {@code whenUnsatisfiable}, a container without a name) and values of the
 * wrong JSON type, recursively. That catches what a lenient parse lets through; the fabric8
 * parse in {@link KubernetesManifestsTest} then checks how the objects fit the service.
 */
class KubernetesSchemaTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String MODELS = "io.kubernetes.client.openapi.models.";
    private static final Gson GSON = new Gson();
    private static List<JsonObject> objects;

    @BeforeEach
    void render() throws Exception {
        Path kubectl = Required.executable("kubectl", "install kubectl (Debian: kubernetes-client), as .ci/run does");
        if (objects == null) {
            String yaml = Command.run(ROOT, Duration.ofMinutes(1), List.of(kubectl.toString(), "kustomize", "k8s"))
                    .ok("kubectl kustomize k8s").output();
            List<JsonObject> parsed = new ArrayList<>();
            for (Object document : new Yaml().loadAll(yaml)) {
                if (document != null) {
                    parsed.add(GSON.toJsonTree(document).getAsJsonObject());
                }
            }
            objects = parsed;
        }
    }

    @Test
    void everyRenderedObjectMatchesItsSchema() {
        assertThat(objects).hasSize(5);
        for (JsonObject object : objects) {
            validate(object); // throws, naming the field and the schema type, on the first mismatch
        }
    }

    @Test
    void aMisspeltFieldIsRefused() {
        JsonObject deployment = deployment();
        container(deployment).addProperty("imagePullPolcy", "IfNotPresent");
        assertRefused(deployment, "imagePullPolcy", "V1Container");
    }

    @Test
    void aMissingRequiredFieldIsRefused() {
        JsonObject deployment = deployment();
        podSpec(deployment).getAsJsonArray("topologySpreadConstraints").get(0).getAsJsonObject().remove("whenUnsatisfiable");
        assertRefused(deployment, "whenUnsatisfiable", "");
        JsonObject unnamed = deployment();
        container(unnamed).remove("name");
        assertRefused(unnamed, "name", "");
    }

    @Test
    void aValueOfTheWrongTypeIsRefused() {
        JsonObject deployment = deployment();
        container(deployment).addProperty("args", "--server.port=9000");
        assertRefused(deployment, "args", "array");
    }

    @Test
    void anApiVersionWithoutASchemaIsRefused() {
        JsonObject deployment = deployment();
        deployment.addProperty("apiVersion", "apps/v1beta9");
        assertThatThrownBy(() -> validate(deployment)).isInstanceOf(AssertionError.class).hasMessageContaining("no schema");
    }

    /** The model for apiVersion and kind, named as the client names them: group/v2 HorizontalPodAutoscaler is V2HorizontalPodAutoscaler. */
    private static void validate(JsonObject object) {
        String apiVersion = object.get("apiVersion").getAsString();
        String kind = object.get("kind").getAsString();
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        String model = MODELS + version.substring(0, 1).toUpperCase(Locale.ROOT) + version.substring(1) + kind;
        Method check;
        try {
            check = Class.forName(model).getMethod("validateJsonElement", JsonElement.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new AssertionError("no schema for " + apiVersion + " " + kind + " in the Kubernetes API (" + model + ")");
        }
        try {
            check.invoke(null, object);
        } catch (InvocationTargetException e) {
            throw new AssertionError(kind + " " + name(object) + " does not match the schema: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertRefused(JsonObject object, String field, String also) {
        assertThatThrownBy(() -> validate(object)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("does not match the schema").hasMessageContaining(field).hasMessageContaining(also);
    }

    /** A fresh copy each time: the tests change it. */
    private static JsonObject deployment() {
        return objects.stream().filter(o -> o.get("kind").getAsString().equals("Deployment")).findFirst().orElseThrow()
                .deepCopy();
    }

    private static JsonObject podSpec(JsonObject deployment) {
        return deployment.getAsJsonObject("spec").getAsJsonObject("template").getAsJsonObject("spec");
    }

    private static JsonObject container(JsonObject deployment) {
        JsonArray containers = podSpec(deployment).getAsJsonArray("containers");
        return containers.get(0).getAsJsonObject();
    }

    private static String name(JsonObject object) {
        JsonObject metadata = object.getAsJsonObject("metadata");
        return metadata == null || !metadata.has("name") ? "(unnamed)" : metadata.get("name").getAsString();
    }
}
