package dev.polarity.serving.predict;

import dev.polarity.model.TextEncoder;
import dev.polarity.model.TextEncoder.Encoded;
import dev.polarity.serving.errors.PayloadTooLargeException;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's texts as the inference thread reads them: one sequence per text, or several
 * windows per text when the request asked for long texts in chunks.
 *
 * @param sequences what goes to the batcher, each text's windows next to each other
 * @param from      index of each text's first sequence
 * @param windows   sequences per text: 0 unless the text was read in windows, then 1 or more
 * @param truncated whether each text was cut to the token limit
 */
record Encodings(List<Encoded> sequences, int[] from, int[] windows, boolean[] truncated) {

    static Encodings of(List<String> texts, LongTexts mode, TextEncoder tokenizer, Windows chunker, int maxTokens) {
        List<Encoded> sequences = new ArrayList<>(texts.size());
        int[] from = new int[texts.size()];
        int[] windows = new int[texts.size()];
        boolean[] truncated = new boolean[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            from[i] = sequences.size();
            if (mode == LongTexts.CHUNK) {
                List<Encoded> parts = chunker.of(texts.get(i));
                sequences.addAll(parts);
                windows[i] = parts.size();
                continue;
            }
            Encoded e = tokenizer.encode(texts.get(i));
            if (e.truncated() && mode == LongTexts.REFUSE) {
                throw new PayloadTooLargeException("Text " + i + " is longer than " + maxTokens
                        + " tokens; send \"truncate\": true to cut it, or \"long_text\": \"chunk\" to read it in windows.");
            }
            sequences.add(e);
            truncated[i] = e.truncated();
        }
        return new Encodings(List.copyOf(sequences), from, windows, truncated);
    }

    int[] tokens() {
        return sequences.stream().mapToInt(Encoded::length).toArray();
    }

    /** Text {@code i}'s probabilities from those of the sequences, in order. */
    float[] probabilities(int i, float[][] perSequence) {
        if (windows[i] <= 1) {
            return perSequence[from[i]];
        }
        return Windows.average(sequences.subList(from[i], from[i] + windows[i]), perSequence, from[i]);
    }
}
