package dev.polarity.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SstTextTest {
    @Test
    void undoesTreebankTokenization() {
        assertThat(SstText.detokenize("it does n't work , and it 's not funny ( at all ) !"))
                .isEqualTo("it doesn't work, and it's not funny (at all)!");
        assertThat(SstText.detokenize("-lrb- the film -rrb- is great .")).isEqualTo("(the film) is great.");
        assertThat(SstText.detokenize("a plain sentence")).isEqualTo("a plain sentence");
    }
}
