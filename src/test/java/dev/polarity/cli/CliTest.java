package dev.polarity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What a newcomer types first: help, versions, typos. Each answers without starting anything. */
class CliTest {
    private static final String[] COMMANDS = {"serve", "import", "train", "evaluate", "predict", "explain-eval"};

    @Test
    void helpListsEveryCommand() {
        CliRun r = CliRun.run("--help");
        assertThat(r.status()).isZero();
        for (String c : COMMANDS) {
            assertThat(r.out()).contains(c);
        }
        assertThat(CliRun.run("help").out()).isEqualTo(r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "import", "train", "evaluate", "predict", "explain-eval"})
    void everyCommandAnswersHelpAndVersion(String command) {
        CliRun help = CliRun.run(command, "--help");
        assertThat(help.status()).as(help.err()).isZero();
        assertThat(help.out()).contains("Usage: polarity " + command).contains("--help").contains("--version");
        assertThat(help.err()).isEmpty();
        CliRun version = CliRun.run(command, "--version");
        assertThat(version.status()).isZero();
        assertThat(version.out()).startsWith("polarity ");
        assertThat(CliRun.run("help", command).out()).isEqualTo(help.out());
    }

    @Test
    void helpShowsDefaultsAndTheOptionGroups() {
        String train = CliRun.run("train", "--help").out();
        assertThat(train).contains("Default: 1e-4").contains("Default: models/all-minilm-l6-v2");
        assertThat(train).contains("Optimisation").contains("Schedule").contains("Distillation").contains("Augmentation");
        assertThat(CliRun.run("evaluate", "--help").out()).contains("Default: models/polarity-sst2-minilm");
    }

    @Test
    void aMistypedOptionIsAnsweredWithTheClosestOne() {
        CliRun r = CliRun.run("evaluate", "--data", "dev.tsv", "--modle", "m");
        assertThat(r.status()).isEqualTo(Cli.USAGE);
        assertThat(r.err()).contains("--modle").contains("did you mean --model");
        assertThat(r.oneErrorLine()).as(r.err()).isTrue();
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aMistypedCommandIsAnsweredWithTheClosestOne() {
        CliRun r = CliRun.run("trian");
        assertThat(r.status()).isEqualTo(Cli.USAGE);
        assertThat(r.err()).contains("trian").contains("did you mean train");
        assertThat(r.oneErrorLine()).as(r.err()).isTrue();
    }

    @Test
    void aMissingRequiredOptionIsOneLineWithStatusTwo() {
        CliRun.assertUsageError("--data", "evaluate");
        CliRun.assertUsageError("--train", "train", "--dev", "d");
    }

    @Test
    void explainEvalRefusesBadOptionsInOneLineBeforeAnythingLoads() {
        for (String[] bad : new String[][] {{"--bogus", "1"}, {"--steps", "0"}, {"--limit"}, {"--fraction", "1.5"}}) {
            java.io.StringWriter err = new java.io.StringWriter();
            String[] args = new String[bad.length + 1];
            args[0] = "explain-eval";
            System.arraycopy(bad, 0, args, 1, bad.length);
            int status = Cli.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true), args);
            org.assertj.core.api.Assertions.assertThat(status).as(String.join(" ", bad)).isEqualTo(2);
            org.assertj.core.api.Assertions.assertThat(err.toString().strip().lines().count()).as(err.toString()).isLessThanOrEqualTo(2);
        }
    }
}
