package dev.polarity.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/** The CPU a benchmark ran on, for its header: the model and the vector flags that decide which kernels run. */
public final class CpuInfo {
    private CpuInfo() {}

    public static String describe() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "cpu: " + System.getProperty("os.arch") + " (no /proc/cpuinfo), " + Runtime.getRuntime().availableProcessors() + " cores";
        }
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            String model = value(lines, "model name");
            TreeSet<String> vector = new TreeSet<>();
            Arrays.stream(value(lines, "flags").split(" "))
                    .filter(f -> f.startsWith("avx") || f.startsWith("amx") || f.equals("fma") || f.equals("f16c"))
                    .forEach(vector::add);
            return "cpu: " + model + ", " + Runtime.getRuntime().availableProcessors() + " cores; vector flags: " + String.join(" ", vector);
        } catch (IOException e) {
            return "cpu: unreadable /proc/cpuinfo";
        }
    }

    private static String value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key)).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
    }
}
