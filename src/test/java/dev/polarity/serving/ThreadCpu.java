package dev.polarity.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's threads grouped by name, read from /proc (Linux only), so a benchmark can
 * say where its cores went: forward passes, HTTP, the load generator, GC, the JIT. Thread names
 * lose their trailing numbers to form groups ("http-nio-exec-12" -> "http-nio-exec-").
 */
final class ThreadCpu {
    private static final Path TASKS = Path.of("/proc/self/task");

    private ThreadCpu() {}

    /** Clock ticks (utime + stime) per group; empty where /proc is not there. */
    static Map<String, Long> snapshot() {
        Map<String, Long> ticks = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            return ticks;
        }
        try (Stream<Path> tasks = Files.list(TASKS)) {
            tasks.forEach(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close).replaceAll("[0-9]+$", "");
                    String[] f = stat.substring(close + 2).split(" ");
                    // fields after the name: state is f[0]; utime and stime are stat fields 14 and 15
                    ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we looked
                }
            });
        } catch (IOException e) {
            return ticks;
        }
        return ticks;
    }

    /** The share of all CPU used between two snapshots that went to groups whose name contains {@code part}. */
    static double share(Map<String, Long> before, Map<String, Long> after, String part) {
        long total = 0;
        long matching = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            total += d;
            matching += e.getKey().contains(part) ? d : 0;
        }
        return total <= 0 ? Double.NaN : (double) matching / total;
    }

    /** "group share%" for the largest groups between two snapshots, as shares of all CPU used. */
    static String top(Map<String, Long> before, Map<String, Long> after, int n) {
        Map<String, Long> delta = new HashMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
        long total = delta.values().stream().mapToLong(Long::longValue).sum();
        if (total <= 0) {
            return "(no /proc thread times)";
        }
        StringBuilder sb = new StringBuilder();
        delta.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .forEach(e -> sb.append(String.format("%s %.0f%%  ", e.getKey(), 100.0 * e.getValue() / total)));
        return sb.toString().trim();
    }
}
