package dev.polarity.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Examples held out of the training data to choose steps, runs, seeds and the temperature, so
 * that dev is scored once per candidate and never chooses anything. Drawn by the run's seed: the
 * same seed holds out the same examples, in a resumed run too.
 */
public record ValidationSplit(List<Example> train, List<Example> validation) {
    public static ValidationSplit of(List<Example> data, int size, long seed) {
        if (size < 1 || size >= data.size()) {
            throw new IllegalArgumentException("--validation " + size + " must be at least 1 and below the "
                    + data.size() + " training examples");
        }
        List<Integer> order = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed ^ 0x5DEECE66DL));
        boolean[] held = new boolean[data.size()];
        List<Example> validation = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            held[order.get(i)] = true;
            validation.add(data.get(order.get(i)));
        }
        List<Example> train = new ArrayList<>(data.size() - size);
        for (int i = 0; i < data.size(); i++) {
            if (!held[i]) {
                train.add(data.get(i)); // in the file's order, as without a split
            }
        }
        return new ValidationSplit(List.copyOf(train), List.copyOf(validation));
    }
}
