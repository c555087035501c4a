package dev.polarity.cli.predict;

import java.util.List;

/** Class probabilities for texts, one row per text in the order given. */
public interface Scorer {
    List<String> labels();

    float[][] probabilities(List<String> texts);
}
