package dev.polarity.ship;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docker-compose.yml, the Prometheus configuration and Grafana's provisioning files agree with
 * each other and with the image (no Docker needed; Grafana cannot run here, so its files are
 * checked against what its provisioning documentation asks for).
 */
class ComposeFilesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern DEFAULTED = Pattern.compile("\\$\\{BASE_IMAGE:-([^}]+)}");
    private static final Pattern ARG_DEFAULT = Pattern.compile("(?m)^ARG BASE_IMAGE=(\\S+)$");

    @Test
    void theServiceIsBuiltFromTheDockerfileAndRunsAsOnKubernetes() throws IOException {
        Map<String, Object> polarity = service("polarity");
        Map<String, Object> build = map(polarity.get("build"));
        assertThat(build.get("context")).isEqualTo(".");
        Matcher compose = DEFAULTED.matcher(String.valueOf(map(build.get("args")).get("BASE_IMAGE")));
        Matcher dockerfile = ARG_DEFAULT.matcher(Files.readString(ROOT.resolve("Dockerfile")));
        assertThat(compose.matches() && dockerfile.find()).as("BASE_IMAGE defaults").isTrue();
        assertThat(compose.group(1)).isEqualTo(dockerfile.group(1));
        assertThat(list(polarity.get("ports"))).containsExactly("127.0.0.1:8080:8080");
        assertThat(polarity.get("read_only")).isEqualTo(true);
        // The DJL tokenizer maps its native library from /tmp: a noexec tmpfs would break the model load.
        assertThat(list(polarity.get("tmpfs"))).anySatisfy(t -> assertThat(t.toString()).startsWith("/tmp:").contains("exec")
                .doesNotContain("noexec"));
        assertThat(seconds(String.valueOf(polarity.get("stop_grace_period")))).isGreaterThan(30);
    }

    @Test
    void eachServiceWaitsForTheOneItNeedsToBeHealthy() throws IOException {
        assertThat(map(map(service("prometheus").get("depends_on")).get("polarity")).get("condition")).isEqualTo("service_healthy");
        assertThat(map(map(service("grafana").get("depends_on")).get("prometheus")).get("condition")).isEqualTo("service_healthy");
        assertThat(service("prometheus")).containsKey("healthcheck");
        // The service's own health check is the image's HEALTHCHECK (readiness: the model is loaded).
        assertThat(Files.readString(ROOT.resolve("Dockerfile"))).contains("HEALTHCHECK").contains("/actuator/health/readiness");
    }

    @Test
    void grafanasAdminPasswordComesFromTheEnvironmentWithNoDefault() throws IOException {
        Map<String, Object> env = map(service("grafana").get("environment"));
        assertThat(String.valueOf(env.get("GF_SECURITY_ADMIN_PASSWORD"))).matches("\\$\\{GRAFANA_ADMIN_PASSWORD(:\\?[^}]*)?}");
    }

    @Test
    void prometheusScrapesTheServiceAndLoadsTheRules() throws IOException {
        Map<String, Object> prometheus = service("prometheus");
        assertThat(list(prometheus.get("volumes"))).contains("./monitoring/prometheus:/etc/prometheus:ro");
        assertThat(list(prometheus.get("command"))).contains("--config.file=/etc/prometheus/prometheus.yml");
        Map<String, Object> config = yaml(ROOT.resolve("monitoring/prometheus/prometheus.yml"));
        assertThat(list(config.get("rule_files"))).containsExactly("alerts.yml");
        Map<String, Object> job = map(list(config.get("scrape_configs")).get(0));
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        List<Object> targets = list(map(list(job.get("static_configs")).get(0)).get("targets"));
        // The compose service's name and the container's port.
        assertThat(targets).containsExactly("polarity:8080");
    }

    @Test
    void grafanaGetsTheDataSourceAndTheDashboardFromFiles() throws IOException {
        Map<String, Object> grafana = service("grafana");
        Map<String, String> mounts = new HashMap<>();
        for (Object volume : list(grafana.get("volumes"))) {
            String[] parts = volume.toString().split(":");
            if (parts[0].startsWith("./")) {
                assertThat(ROOT.resolve(parts[0])).as(volume.toString()).exists();
                mounts.put(parts[1], parts[0]);
            }
        }
        assertThat(mounts).containsEntry("/etc/grafana/provisioning", "./monitoring/grafana/provisioning");

        Path provisioning = ROOT.resolve("monitoring/grafana/provisioning");
        Map<String, Object> datasource = map(list(yaml(provisioning.resolve("datasources/prometheus.yml"))
                .get("datasources")).get(0));
        assertThat(datasource.get("type")).isEqualTo("prometheus");
        assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
        assertThat(service("prometheus")).isNotNull();

        Map<String, Object> provider = map(list(yaml(provisioning.resolve("dashboards/polarity.yml")).get("providers")).get(0));
        assertThat(provider.get("type")).isEqualTo("file");
        String path = String.valueOf(map(provider.get("options")).get("path"));
        assertThat(mounts).containsKey(path);
        Path dashboards = ROOT.resolve(mounts.get(path));
        assertThat(dashboards.resolve("polarity.json")).isRegularFile();

        // Every panel and query uses the data source variable, so the dashboard imports into any
        // Grafana; the variable lists Prometheus data sources, and the provisioned one is the default.
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(dashboards.resolve("polarity.json")));
        List<String> uids = new ArrayList<>();
        collectDataSourceUids(dashboard.get("panels"), uids);
        collectDataSourceUids(dashboard.get("templating").get("list"), uids);
        assertThat(uids).isNotEmpty().allMatch(uid -> uid.equals("${datasource}"));
        JsonNode variable = dashboard.get("templating").get("list").get(0);
        assertThat(variable.get("name").stringValue()).isEqualTo("datasource");
        assertThat(variable.get("type").stringValue()).isEqualTo("datasource");
        assertThat(variable.get("query").stringValue()).isEqualTo(datasource.get("type"));
        assertThat(datasource.get("isDefault")).isEqualTo(true);
        assertThat(dashboard.get("uid").stringValue()).isNotBlank();
    }

    private static void collectDataSourceUids(JsonNode nodes, List<String> into) {
        for (JsonNode node : nodes) {
            if (node.has("datasource")) {
                into.add(node.get("datasource").get("uid").stringValue());
            }
            for (String child : List.of("targets", "panels")) {
                if (node.has(child)) {
                    collectDataSourceUids(node.get(child), into);
                }
            }
        }
    }

    private static Map<String, Object> service(String name) throws IOException {
        Map<String, Object> services = map(yaml(ROOT.resolve("docker-compose.yml")).get("services"));
        assertThat(services).containsKey(name);
        return map(services.get(name));
    }

    private static long seconds(String duration) {
        assertThat(duration).matches("\\d+s");
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }
}
