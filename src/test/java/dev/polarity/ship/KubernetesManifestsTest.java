package dev.polarity.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.polarity.serving.PolarityProperties;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * k8s/ as {@code kubectl kustomize} renders it, parsed strictly with the Kubernetes API model
 * (fabric8): an unknown or misspelt field, a wrong type or an unknown kind fails, offline. Then the
 * objects must agree with each other and with the service: probes on Actuator's health groups at
 * the container's port, labels and selectors, the HPA and PDB on the Deployment, the user of the
 * Dockerfile, a grace period longer than the service's shutdown, ConfigMap keys that Spring binds.
 */
class KubernetesManifestsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final ObjectMapper STRICT = strictMapper();
    private static List<HasMetadata> objects;

    /** Rendered once; checked before each test, so that each one reports its own skip. */
    @BeforeEach
    void render() throws Exception {
        Path kubectl = Required.executable("kubectl", "install kubectl (Debian: kubernetes-client), as .ci/run does");
        if (objects == null) {
            objects = parse(Command.run(ROOT, Duration.ofMinutes(1), List.of(kubectl.toString(), "kustomize", "k8s"))
                    .ok("kubectl kustomize k8s").output());
        }
    }

    @Test
    void rendersTheExpectedObjectsAndNothingTheDefaultClusterWouldRefuse() {
        assertThat(objects).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
                "ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget");
        for (HasMetadata object : objects) {
            assertThat(object.getApiVersion()).as(object.getKind()).isEqualTo(HasMetadata.getApiVersion(object.getClass()));
            assertThat(object.getMetadata().getName()).as(object.getKind()).isNotBlank();
            assertThat(object.getMetadata().getLabels()).as(object.getKind() + " labels")
                    .containsEntry("app.kubernetes.io/name", "polarity");
        }
    }

    @Test
    void deploymentRunsTwoHardenedReplicasWithProbesOnTheActuatorHealthGroups() throws IOException {
        Deployment deployment = one(Deployment.class);
        Properties app = applicationProperties();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getLabels());

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).hasSize(1);
        Container container = pod.getContainers().get(0);
        assertThat(container.getImage()).startsWith("polarity:");

        // One port, the service's own (server.port is not set: Spring's 8080, which the Dockerfile exposes).
        assertThat(app.getProperty("server.port", "8080")).isEqualTo("8080");
        assertThat(app.getProperty("management.server.port")).as("Actuator on the main port").isNull();
        assertThat(Files.readString(ROOT.resolve("Dockerfile"))).contains("EXPOSE 8080");
        assertThat(container.getPorts()).hasSize(1);
        ContainerPort port = container.getPorts().get(0);
        assertThat(port.getContainerPort()).isEqualTo(8080);

        // Probes: Actuator's liveness and readiness groups, enabled in application.properties.
        assertThat(app.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
        String health = app.getProperty("management.endpoints.web.base-path", "/actuator") + "/health";
        assertProbe(container.getStartupProbe(), health + "/liveness", port);
        assertProbe(container.getLivenessProbe(), health + "/liveness", port);
        assertProbe(container.getReadinessProbe(), health + "/readiness", port);
        assertThat(container.getStartupProbe().getPeriodSeconds() * container.getStartupProbe().getFailureThreshold())
                .as("seconds the JVM gets to start").isGreaterThanOrEqualTo(60);

        // Scraped where Actuator serves the Prometheus format.
        Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", String.valueOf(port.getContainerPort()))
                .containsEntry("prometheus.io/path", "/actuator/prometheus");
        assertThat(app.getProperty("management.endpoints.web.exposure.include")).contains("prometheus");

        // Requests and limits, cpu requests for the HPA's utilisation target.
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
        assertThat(bytes(container.getResources().getRequests().get("memory")))
                .isLessThanOrEqualTo(bytes(container.getResources().getLimits().get("memory")));
        assertThat(bytes(container.getResources().getRequests().get("cpu")))
                .isLessThanOrEqualTo(bytes(container.getResources().getLimits().get("cpu")));

        // Non-root (the Dockerfile's user), read-only root, no privilege escalation; /tmp writable.
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(Files.readString(ROOT.resolve("Dockerfile")))
                .contains("USER " + pod.getSecurityContext().getRunAsUser() + ":" + pod.getSecurityContext().getRunAsGroup());
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
        String tmpVolume = container.getVolumeMounts().stream().filter(m -> "/tmp".equals(m.getMountPath()))
                .findFirst().orElseThrow(() -> new AssertionError("no writable /tmp")).getName();
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(tmpVolume);
            assertThat(v.getEmptyDir()).isNotNull();
        });
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("DJL_CACHE_DIR");
            assertThat(e.getValue()).startsWith("/tmp/");
        });

        // Long enough to drain: the preStop pause, in-flight requests, then the inference queue.
        Duration shutdownPhase = Duration.parse("PT" + configMapValue("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE",
                app.getProperty("spring.lifecycle.timeout-per-shutdown-phase")).toUpperCase());
        assertThat(app.getProperty("server.shutdown")).isEqualTo("graceful");
        List<String> preStop = container.getLifecycle().getPreStop().getExec().getCommand();
        long preStopSeconds = "sleep".equals(preStop.get(0)) ? Long.parseLong(preStop.get(1)) : 0;
        assertThat(pod.getTerminationGracePeriodSeconds())
                .isGreaterThan(preStopSeconds + shutdownPhase.toSeconds() + 10);
    }

    @Test
    void serviceHpaAndPdbPointAtTheDeployment() {
        Deployment deployment = one(Deployment.class);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

        Service service = one(Service.class);
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(service.getSpec().getPorts()).hasSize(1);
        ServicePort servicePort = service.getSpec().getPorts().get(0);
        assertThat(targetsContainerPort(servicePort.getTargetPort(), container.getPorts().get(0))).isTrue();

        HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo(deployment.getApiVersion());
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(deployment.getSpec().getReplicas());
        assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
        assertThat(hpa.getSpec().getMetrics()).allSatisfy(metric ->
                assertThat(container.getResources().getRequests()).containsKey(metric.getResource().getName()));

        PodDisruptionBudget pdb = one(PodDisruptionBudget.class);
        assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isPositive()
                .isLessThan(deployment.getSpec().getReplicas());

        ConfigMap config = one(ConfigMap.class);
        assertThat(container.getEnvFrom()).anySatisfy(from ->
                assertThat(from.getConfigMapRef().getName()).isEqualTo(config.getMetadata().getName()));
    }

    /** Each key of the ConfigMap is a setting Spring binds (no typo goes unnoticed), with a valid value. */
    @Test
    void configMapKeysBindToTheServiceSettings() throws IOException {
        Map<String, Object> data = new HashMap<>(one(ConfigMap.class).getData());
        Set<String> forTheJvm = Set.of("JDK_JAVA_OPTIONS");
        data.keySet().removeAll(forTheJvm);
        ConfigurationPropertySource env = ConfigurationPropertySource.from(
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, data));
        Set<String> used = applicationProperties().stringPropertyNames().stream()
                .map(name -> env.getConfigurationProperty(ConfigurationPropertyName.of(name)))
                .filter(p -> p != null)
                .map(KubernetesManifestsTest::environmentKey)
                .collect(Collectors.toSet());
        assertThat(used).as("ConfigMap keys that set a property of application.properties")
                .containsExactlyInAnyOrderElementsOf(data.keySet());
        PolarityProperties bound = new Binder(ConfigurationPropertySources.from(
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, data)))
                .bindOrCreate("polarity", PolarityProperties.class);
        assertThat(bound.batcher().queueCapacity()).isEqualTo(Integer.parseInt((String) data.get("POLARITY_BATCHER_QUEUE_CAPACITY")));
        assertThat(bound.maxTokens()).isEqualTo(Integer.parseInt((String) data.get("POLARITY_MAX_TOKENS")));
    }

    @Test
    void serviceMonitorForThePrometheusOperatorSelectsTheServiceAndItsPort() throws Exception {
        Path kubectl = Required.onPath("kubectl").orElseThrow();
        List<HasMetadata> monitoring = parse(Command.run(ROOT, Duration.ofMinutes(1),
                List.of(kubectl.toString(), "kustomize", "k8s/monitoring")).ok("kubectl kustomize k8s/monitoring").output());
        assertThat(monitoring).hasSize(1);
        ServiceMonitor monitor = (ServiceMonitor) monitoring.get(0);
        Service service = one(Service.class);
        assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
        assertThat(monitor.getSpec().getEndpoints()).hasSize(1);
        Endpoint endpoint = monitor.getSpec().getEndpoints().get(0);
        assertThat(endpoint.getPort()).isEqualTo(service.getSpec().getPorts().get(0).getName());
        assertThat(endpoint.getPath()).isEqualTo("/actuator/prometheus");
        // kube-prometheus-stack's Prometheus selects ServiceMonitors by this label.
        assertThat(monitor.getMetadata().getLabels()).containsKey("release");
    }

    @Test
    void theTwoReplicasAreSpreadOverNodes() {
        Deployment deployment = one(Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        var byNode = pod.getTopologySpreadConstraints().stream()
                .filter(c -> "kubernetes.io/hostname".equals(c.getTopologyKey())).findFirst();
        assertThat(byNode).as("a spread constraint over nodes").isPresent();
        assertThat(byNode.get().getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
        assertThat(byNode.get().getMaxSkew()).isEqualTo(1);
        assertThat(podLabels).containsAllEntriesOf(byNode.get().getLabelSelector().getMatchLabels());
    }

    @Test
    void theStrictParseRefusesUnknownFieldsKindsAndTypes() {
        String typo = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replicas: 1
                  template:
                    spec:
                      containers:
                        - name: x
                          image: x
                          readinesProbe: {httpGet: {path: /, port: 8080}}
                """;
        assertThatThrownBy(() -> parse(typo)).hasRootCauseInstanceOf(UnrecognizedPropertyException.class)
                .rootCause().hasMessageContaining("readinesProbe");
        assertThatThrownBy(() -> parse("apiVersion: v1\nkind: Servise\nmetadata: {name: x}\n"))
                .hasMessageContaining("Servise");
        assertThatThrownBy(() -> parse("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: two}\n"))
                .hasMessageContaining("replicas");
    }

    /** Every YAML document as its typed Kubernetes object; any unknown field or kind fails. */
    private static List<HasMetadata> parse(String yaml) throws IOException {
        List<HasMetadata> parsed = new ArrayList<>();
        for (Object document : new Yaml().loadAll(new StringReader(yaml))) {
            if (document == null) {
                continue;
            }
            KubernetesResource resource;
            try {
                resource = STRICT.convertValue(document, KubernetesResource.class);
            } catch (IllegalArgumentException e) {
                throw new IOException("not a valid Kubernetes object: " + e.getMessage(), e);
            }
            if (resource instanceof GenericKubernetesResource generic) {
                throw new IOException("unknown kind " + generic.getApiVersion() + "/" + generic.getKind());
            }
            parsed.add((HasMetadata) resource);
        }
        return parsed;
    }

    /** Fails on unknown properties: the model's catch-all maps (additionalProperties) are switched off. */
    private static ObjectMapper strictMapper() {
        SimpleModule noCatchAll = new SimpleModule("strict-kubernetes");
        noCatchAll.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                         BeanDeserializerBuilder builder) {
                if (description.getBeanClass().getName().startsWith("io.fabric8.")) {
                    builder.setAnySetter(null);
                }
                return builder;
            }
        });
        return new ObjectMapper().registerModule(noCatchAll)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    private static <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName() + " objects").hasSize(1);
        return found.get(0);
    }

    private static void assertProbe(Probe probe, String path, ContainerPort port) {
        assertThat(probe).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get).as("an HTTP probe").isNotNull();
        assertThat(get.getPath()).isEqualTo(path);
        assertThat(targetsContainerPort(get.getPort(), port)).as("probe port " + get.getPort()).isTrue();
    }

    private static boolean targetsContainerPort(IntOrString target, ContainerPort port) {
        return target.getIntVal() != null ? target.getIntVal().equals(port.getContainerPort())
                : target.getStrVal().equals(port.getName());
    }

    private static double bytes(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity).doubleValue();
    }

    private static String configMapValue(String key, String fallback) {
        Object value = one(ConfigMap.class).getData().get(key);
        return value != null ? value.toString() : fallback;
    }

    private static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(ROOT.resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    private static final Pattern ENV_ORIGIN = Pattern.compile("\"([A-Z0-9_]+)\"");

    private static String environmentKey(ConfigurationProperty property) {
        if (property.getOrigin() instanceof PropertySourceOrigin origin) {
            return origin.getPropertyName();
        }
        Matcher m = ENV_ORIGIN.matcher(String.valueOf(property.getOrigin()));
        return m.find() ? m.group(1) : String.valueOf(property.getOrigin());
    }
}
