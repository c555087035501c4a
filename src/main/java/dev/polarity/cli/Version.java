package dev.polarity.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven wrote into META-INF/build-info.properties, the same one /actuator/info shows. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        Properties build = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/META-INF/build-info.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            // no build information: say so below rather than fail a --version
        }
        String version = build.getProperty("build.version", "(version unknown: not built by Maven)");
        return new String[] {"polarity " + version + ", Java " + Runtime.version()};
    }
}
