package dev.polarity.train;

import dev.polarity.model.TextEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Every training example tokenized in both spellings, SST's ("does n't") and ordinary text
 * ("doesn't"), once before training, so a step only picks one.
 */
record Spellings(List<TextEncoder.Encoded> plain, List<TextEncoder.Encoded> detok) {
    static Spellings encode(TextEncoder tokenizer, List<Example> examples) {
        List<TextEncoder.Encoded> plain = new ArrayList<>(examples.size());
        List<TextEncoder.Encoded> detok = new ArrayList<>(examples.size());
        for (Example e : examples) {
            plain.add(tokenizer.encode(e.text()));
            detok.add(tokenizer.encode(SstText.detokenize(e.text())));
        }
        return new Spellings(plain, detok);
    }

    TextEncoder.Encoded get(int example, boolean detokenized) {
        return detokenized ? detok.get(example) : plain.get(example);
    }
}
