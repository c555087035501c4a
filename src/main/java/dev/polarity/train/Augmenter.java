package dev.polarity.train;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.TextEncoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Word replacement for distillation (after TinyBERT's data augmentation, Jiao et al. 2020): a
 * training sentence with some words swapped for near neighbours is a new sentence whose label the
 * teacher gives, so the student sees other inputs each epoch instead of memorising the 67k
 * phrases. Neighbours are the words of the training text closest to each other by cosine in the
 * pretrained encoder's input embeddings; only words that are one word piece have one embedding,
 * so only those are swapped. Punctuation and words split into pieces are always kept.
 */
final class Augmenter {
    private static final int BLOCK = 512;

    private final Map<String, String[]> neighbours;
    private final float wordProbability;

    Augmenter(Map<String, String[]> neighbours, float wordProbability) {
        if (!(wordProbability >= 0 && wordProbability <= 1)) {
            throw new IllegalArgumentException("word probability must be in [0, 1], got " + wordProbability);
        }
        this.neighbours = Map.copyOf(neighbours);
        this.wordProbability = wordProbability;
    }

    /**
     * Finds each single-piece word's {@code k} nearest words in the training text. The most
     * frequent words are left alone (in SST-2 the top 30 run from "the" and "and" down to "not"):
     * without context a neighbour of a function word breaks the sentence ("its dynamism is
     * infectious" -> "is dynamism be infectious"), while content words swap cleanly ("a good film"
     * -> "a decent film").
     *
     * @param wordEmbeddings the encoder's input embeddings [vocabulary, hidden]
     * @param skipMostFrequent how many of the most frequent words never take part
     */
    static Augmenter build(List<Example> train, TextEncoder tokenizer, Tensor wordEmbeddings, int k, float wordProbability,
                           int skipMostFrequent) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Example e : train) {
            for (String w : e.text().split(" ")) {
                if (w.length() >= 2 && w.chars().allMatch(Character::isLetter)) {
                    counts.merge(w, 1, Integer::sum);
                }
            }
        }
        Set<String> seen = new LinkedHashSet<>(counts.keySet());
        counts.entrySet().stream()
                .sorted((x, y) -> Integer.compare(y.getValue(), x.getValue()))
                .limit(skipMostFrequent)
                .forEach(e -> seen.remove(e.getKey()));
        List<String> words = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (String w : seen) {
            int[] piece = tokenizer.encode(w).ids();
            if (piece.length == 3) { // [CLS] word [SEP]
                words.add(w);
                ids.add(piece[1]);
            }
        }
        return new Augmenter(nearest(words, ids, wordEmbeddings, k), wordProbability);
    }

    /** Cosine similarity between all chosen rows, one block of rows at a time, keeping the top k of each. */
    static Map<String, String[]> nearest(List<String> words, List<Integer> ids, Tensor wordEmbeddings, int k) {
        int n = words.size();
        int hidden = wordEmbeddings.shape().dim(1);
        float[] table = wordEmbeddings.toArray();
        float[] unit = new float[n * hidden];
        for (int i = 0; i < n; i++) {
            int src = ids.get(i) * hidden;
            double norm = 0;
            for (int j = 0; j < hidden; j++) {
                norm += (double) table[src + j] * table[src + j];
            }
            float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int j = 0; j < hidden; j++) {
                unit[i * hidden + j] = table[src + j] * inv;
            }
        }
        float[] unitT = new float[hidden * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < hidden; j++) {
                unitT[j * n + i] = unit[i * hidden + j];
            }
        }
        Tensor right = Tensor.fromArray(unitT, hidden, n);
        Map<String, String[]> out = new HashMap<>();
        int keep = Math.min(k, n - 1);
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int r0 = 0; r0 < n; r0 += BLOCK) {
                int rows = Math.min(BLOCK, n - r0);
                float[] left = new float[rows * hidden];
                System.arraycopy(unit, r0 * hidden, left, 0, rows * hidden);
                float[] sim = Tensor.fromArray(left, rows, hidden).matmul(right).toArray();
                for (int r = 0; r < rows; r++) {
                    int[] top = topK(sim, r * n, n, r0 + r, keep);
                    String[] names = new String[top.length];
                    for (int t = 0; t < top.length; t++) {
                        names[t] = words.get(top[t]);
                    }
                    out.put(words.get(r0 + r), names);
                }
            }
        }
        return out;
    }

    /** Indices of the k largest of row[off .. off + n), excluding {@code self}, largest first. */
    private static int[] topK(float[] row, int off, int n, int self, int k) {
        int[] best = new int[k];
        float[] score = new float[k];
        int filled = 0;
        for (int j = 0; j < n; j++) {
            if (j == self) {
                continue;
            }
            float s = row[off + j];
            if (filled < k) {
                filled++;
            } else if (s <= score[k - 1]) {
                continue;
            }
            int at = filled - 1;
            while (at > 0 && score[at - 1] < s) {
                score[at] = score[at - 1];
                best[at] = best[at - 1];
                at--;
            }
            score[at] = s;
            best[at] = j;
        }
        return best;
    }

    int vocabularySize() {
        return neighbours.size();
    }

    String[] neighboursOf(String word) {
        String[] n = neighbours.get(word);
        return n == null ? new String[0] : n.clone();
    }

    /** The text with each replaceable word swapped, with the set probability, for one of its neighbours. */
    String augment(String text, Random rng) {
        String[] words = text.split(" ", -1);
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < words.length; i++) {
            String[] near = neighbours.get(words[i]);
            String w = near != null && near.length > 0 && rng.nextFloat() < wordProbability ? near[rng.nextInt(near.length)] : words[i];
            if (i > 0) {
                out.append(' ');
            }
            out.append(w);
        }
        return out.toString();
    }
}
