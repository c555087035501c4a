package dev.polarity.serving.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LengthGroupsTest {

    @Test
    void similarLengthsShareOnePass() {
        assertThat(LengthGroups.split(new int[] {12, 14, 15, 18, 20, 22, 25}, 32)).containsExactly(7);
    }

    @Test
    void oneLongTextAmongShortOnesGetsItsOwnPass() {
        int[] lengths = new int[32];
        Arrays.fill(lengths, 10);
        lengths[31] = 256;
        assertThat(LengthGroups.split(lengths, 32)).containsExactly(31, 1);
    }

    @Test
    void smallBatchesAreNotWorthSplitting() {
        assertThat(LengthGroups.split(new int[] {5, 5, 60}, 32)).containsExactly(3);
    }

    @Test
    void noPassExceedsTheMaximumSize() {
        int[] lengths = new int[40];
        Arrays.fill(lengths, 12);
        assertThat(LengthGroups.split(lengths, 16)).containsExactly(16, 16, 8);
    }

    @Test
    void groupsCoverEveryTextInOrder() {
        int[] lengths = {8, 9, 10, 11, 40, 41, 42, 43, 44, 45, 46, 47, 48, 200, 210, 220, 230};
        assertThat(LengthGroups.split(lengths, 4).stream().mapToInt(Integer::intValue).sum()).isEqualTo(lengths.length);
        assertThat(LengthGroups.split(new int[0], 4)).isEmpty();
    }
}
