package dev.polarity.serving.predict;

import java.util.List;

/**
 * What the model said about a request's texts, in their order, and where the time went.
 *
 * @param labels the model's labels; {@code TextScore.probabilities} follow this order
 */
public record Scored(String model, List<String> labels, List<TextScore> texts, long tokenizationNanos, long queueNanos,
              long inferenceNanos) {

    /** @param windows how many windows a long text was read in; 0 when it was not read in windows */
    public record TextScore(int best, float[] probabilities, boolean truncated, int windows) {}
}
