package dev.polarity.ship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.serving.RunningService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard and the alert rules against a real Prometheus (Debian's package) on 127.0.0.1,
 * scraping this service every second with the scrape settings of monitoring/prometheus/prometheus.yml:
 * after some traffic, every dashboard query returns data and every alert rule evaluates, over
 * metric names that exist. promtool checks the rules and the configuration and runs the rules'
 * unit tests (monitoring/prometheus/alerts.test.yml), which show each alert firing when it should.
 */
class MonitoringTest extends RunningService {
    private static final Path PROMETHEUS_DIR = Path.of("monitoring", "prometheus");
    private static final Path RULES = PROMETHEUS_DIR.resolve("alerts.yml");
    private static final Path DASHBOARD = Path.of("monitoring", "grafana", "dashboards", "polarity.json");
    /** Grafana's variables, replaced as Grafana would with "All" instances selected. */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of("$__rate_interval", "1m", "$instance", ".*");
    private static final Pattern METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");

    @Test
    void promtoolAcceptsTheRulesAndTheConfigurationAndTheAlertsFireAsTheirTestsSay() throws Exception {
        Path promtool = Required.executable("promtool", "apt-get install prometheus (Debian), as .ci/run does");
        Path root = Path.of("").toAbsolutePath();
        Command.run(root, Duration.ofMinutes(1), List.of(promtool.toString(), "check", "rules", RULES.toString()))
                .ok("promtool check rules");
        Command.run(root, Duration.ofMinutes(1), List.of(promtool.toString(), "check", "config",
                PROMETHEUS_DIR.resolve("prometheus.yml").toString())).ok("promtool check config");
        Command.run(root, Duration.ofMinutes(1), List.of(promtool.toString(), "test", "rules",
                PROMETHEUS_DIR.resolve("alerts.test.yml").toString())).ok("promtool test rules");
    }

    @Test
    void everyDashboardQueryReturnsDataAndEveryAlertRuleEvaluatesOnARealPrometheus() throws Exception {
        Path binary = Required.executable("prometheus", "apt-get install prometheus (Debian), as .ci/run does");
        Path work = Files.createTempDirectory("polarity-prometheus");
        int prometheusPort = freePort();
        Files.writeString(work.resolve("prometheus.yml"), testConfig(port));
        Process prometheus = new ProcessBuilder(binary.toString(),
                "--config.file=" + work.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
        String api = "http://127.0.0.1:" + prometheusPort;
        try {
            awaitTrue(Duration.ofSeconds(60), () -> query(api, "up{job=\"polarity\"} == 1").size() == 1,
                    "Prometheus scraping the service", work);
            sendTraffic(Duration.ofSeconds(6));
            // Two more scrapes, so that every rate() over the traffic has its last samples.
            Thread.sleep(2500);

            List<String> empty = new ArrayList<>();
            List<String> queries = dashboardQueries();
            for (String expr : queries) {
                if (!hasValues(query(api, expr))) {
                    empty.add(expr);
                }
            }
            assertThat(empty).as("dashboard queries without data").isEmpty();
            for (Map.Entry<String, String> variable : dashboardVariables().entrySet()) {
                assertThat(labelValues(api, variable.getKey(), variable.getValue()))
                        .as("values of dashboard variable " + variable).isNotEmpty();
            }

            for (Map.Entry<String, String> rule : alertRules().entrySet()) {
                query(api, rule.getValue()); // fails on any evaluation error
                for (String metric : metricNames(rule.getValue())) {
                    assertThat(series(api, metric)).as(metric + " in alert " + rule.getKey()).isNotEmpty();
                }
            }
            JsonNode groups = apiGet(api, "/api/v1/rules").get("data").get("groups");
            Map<String, String> health = new LinkedHashMap<>();
            Map<String, String> state = new LinkedHashMap<>();
            for (JsonNode group : groups) {
                for (JsonNode rule : group.get("rules")) {
                    health.put(rule.get("name").stringValue(), rule.get("health").stringValue());
                    state.put(rule.get("name").stringValue(), rule.get("state").stringValue());
                }
            }
            assertThat(health.keySet()).containsExactlyInAnyOrderElementsOf(alertRules().keySet());
            assertThat(health.values()).as("rule health as loaded by Prometheus: " + health).allMatch("ok"::equals);
            // The serving path creates no autograd node, so this alert stays quiet.
            assertThat(state.get("PolarityAutogradOnServingPath")).isEqualTo("inactive");
            System.out.printf("MonitoringTest: %d dashboard queries returned data, %d alert rules evaluated: %s%n",
                    queries.size(), health.size(), state);
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor();
            }
            deleteTree(work);
        }
    }

    /** monitoring/prometheus/prometheus.yml, aimed at this service on loopback, scraping every second. */
    @SuppressWarnings("unchecked")
    private static String testConfig(int servicePort) throws IOException {
        Map<String, Object> config = new Yaml().load(Files.readString(PROMETHEUS_DIR.resolve("prometheus.yml")));
        Map<String, Object> global = (Map<String, Object>) config.get("global");
        global.put("scrape_interval", "1s");
        global.put("evaluation_interval", "1s");
        config.put("rule_files", List.of(RULES.toAbsolutePath().toString()));
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) config.get("scrape_configs");
        Map<String, Object> job = jobs.stream().filter(j -> "polarity".equals(j.get("job_name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no scrape job \"polarity\" in prometheus.yml"));
        job.put("static_configs", List.of(Map.of("targets", List.of("127.0.0.1:" + servicePort))));
        config.put("scrape_configs", List.of(job));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(config);
    }

    /** Single texts and batches for a few seconds, one refused request, one explanation, and a GC for the pause meter. */
    private void sendTraffic(Duration duration) throws Exception {
        assertThat(postJson("{\"text\": \"\"}").statusCode()).isEqualTo(400);
        // The explanation panels need one explanation that records a graph (occlusion records none).
        assertThat(post("/explain", "application/json", "{\"text\": " + quote(NEGATIVE)
                + ", \"method\": \"gradient-x-input\"}").statusCode()).isEqualTo(200);
        long end = System.nanoTime() + duration.toNanos();
        for (int i = 0; System.nanoTime() < end; i++) {
            String body = i % 4 == 3
                    ? "{\"texts\": [" + quote(POSITIVE) + ", " + quote(NEGATIVE) + ", " + quote(POSITIVE) + "]}"
                    : "{\"text\": " + quote(i % 2 == 0 ? POSITIVE : NEGATIVE) + "}";
            assertThat(postJson(body).statusCode()).isEqualTo(200);
            if (i == 4) {
                System.gc(); // a short test may otherwise see no collection at all, and no jvm_gc_pause series
            }
            Thread.sleep(200);
        }
    }

    private static List<String> dashboardQueries() throws IOException {
        List<String> queries = new ArrayList<>();
        collectQueries(JSON.readTree(Files.readString(DASHBOARD)).get("panels"), queries);
        assertThat(queries).as("queries in " + DASHBOARD).hasSizeGreaterThan(10);
        return queries.stream().map(MonitoringTest::substitute).toList();
    }

    private static void collectQueries(JsonNode panels, List<String> into) {
        for (JsonNode panel : panels) {
            if (panel.has("panels")) {
                collectQueries(panel.get("panels"), into);
            }
            if (panel.has("targets")) {
                for (JsonNode target : panel.get("targets")) {
                    into.add(target.get("expr").stringValue());
                }
            }
        }
    }

    /** Dashboard variables of the form label_values(selector, label), as selector to label. */
    private static Map<String, String> dashboardVariables() throws IOException {
        Map<String, String> variables = new LinkedHashMap<>();
        for (JsonNode variable : JSON.readTree(Files.readString(DASHBOARD)).get("templating").get("list")) {
            if ("query".equals(variable.get("type").stringValue())) {
                String definition = variable.get("definition").stringValue();
                Matcher m = LABEL_VALUES.matcher(definition);
                assertThat(m.matches()).as("variable query " + definition).isTrue();
                variables.put(m.group(1), m.group(2));
            }
        }
        return variables;
    }

    private static String substitute(String expr) {
        String out = expr;
        for (Map.Entry<String, String> variable : GRAFANA_VARIABLES.entrySet()) {
            out = out.replace(variable.getKey(), variable.getValue());
        }
        assertThat(out).as("an unknown Grafana variable in " + expr).doesNotContain("$");
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> alertRules() throws IOException {
        Map<String, Object> file = new Yaml().load(Files.readString(RULES));
        Map<String, String> rules = new LinkedHashMap<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                rules.put(String.valueOf(rule.get("alert")), String.valueOf(rule.get("expr")));
            }
        }
        return rules;
    }

    private static Set<String> metricNames(String expr) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).as("metric selectors in " + expr).isNotEmpty();
        return names;
    }

    /** An instant query's result; fails on any error Prometheus reports. */
    private static JsonNode query(String api, String expr) throws IOException, InterruptedException {
        return apiGet(api, "/api/v1/query?query=" + encode(expr)).get("data").get("result");
    }

    private static boolean hasValues(JsonNode result) {
        for (JsonNode sample : result) {
            String value = sample.get("value").get(1).stringValue();
            if (!"NaN".equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode series(String api, String metric) throws IOException, InterruptedException {
        return apiGet(api, "/api/v1/series?match[]=" + encode(metric)).get("data");
    }

    private static JsonNode labelValues(String api, String selector, String label) throws IOException, InterruptedException {
        return apiGet(api, "/api/v1/label/" + label + "/values?match[]=" + encode(selector)).get("data");
    }

    private static JsonNode apiGet(String api, String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(api + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(pathAndQuery + ": " + response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").stringValue()).as(response.body()).isEqualTo("success");
        return body;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Duration limit, Check check, String what, Path work) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (IOException | AssertionError e) {
                last = e instanceof IOException io ? io : new IOException(e);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what + "; prometheus.log:\n"
                + Files.readString(work.resolve("prometheus.log")), last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
