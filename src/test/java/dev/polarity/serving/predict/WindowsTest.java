package dev.polarity.serving.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.model.TextEncoder.Encoded;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Windows of the token limit cover a long text with overlap, and their average is weighted by tokens. */
class WindowsTest {
    private static final int CLS = 101;
    private static final int SEP = 102;

    /** [CLS] 1000 1001 ... [SEP] */
    private static Encoded text(int bodyTokens) {
        int[] ids = new int[bodyTokens + 2];
        ids[0] = CLS;
        for (int i = 0; i < bodyTokens; i++) {
            ids[i + 1] = 1000 + i;
        }
        ids[ids.length - 1] = SEP;
        return new Encoded(ids, new int[ids.length], false);
    }

    @Test
    void aTextWithinTheLimitIsOneWindow() {
        Encoded e = text(8);
        assertThat(Windows.split(e, 10)).containsExactly(e);
    }

    @Test
    void aLongTextIsCoveredByOverlappingWindowsOfTheLimit() {
        List<Encoded> windows = Windows.split(text(30), 10); // 8 body tokens a window, stride 6
        List<Integer> seen = new ArrayList<>();
        for (Encoded w : windows) {
            assertThat(w.length()).isLessThanOrEqualTo(10);
            assertThat(w.ids()[0]).isEqualTo(CLS);
            assertThat(w.ids()[w.length() - 1]).isEqualTo(SEP);
            for (int i = 1; i < w.length() - 1; i++) {
                seen.add(w.ids()[i]);
            }
        }
        assertThat(windows).hasSize(5); // starts 0, 6, 12, 18, 24: the last ends at token 30
        assertThat(windows.get(1).ids()[1]).isEqualTo(1006);
        assertThat(seen).containsAll(java.util.stream.IntStream.range(1000, 1030).boxed().toList());
        assertThat(windows.get(4).length()).isEqualTo(6 + 2);
    }

    @Test
    void theAverageWeighsEachWindowByItsTokens() {
        List<Encoded> windows = List.of(text(8), text(2)); // 10 and 4 tokens
        float[][] p = {{0, 0}, {0.2f, 0.8f}, {0.9f, 0.1f}};
        float[] avg = Windows.average(windows, p, 1);
        assertThat(avg[0]).isCloseTo((10 * 0.2f + 4 * 0.9f) / 14, within(1e-6f));
        assertThat(avg[0] + avg[1]).isCloseTo(1f, within(1e-6f));
    }
}
