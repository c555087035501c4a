package dev.polarity.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.engine.Engine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Background work defers to urgent work: its kernels wait while the urgent work is busy, not
 * longer than the bound, and only on the thread that asked. The timeout only stops a hang.
 */
@Timeout(60)
class DeferenceTest {

    @Test
    void aBackgroundKernelWaitsUntilTheUrgentWorkIsDone() throws Exception {
        AtomicBoolean busy = new AtomicBoolean(true);
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch asked = new CountDownLatch(1);
        Thread background = new Thread(() -> Engine.inBackground(() -> {
            asked.countDown();
            return busy.get();
        }, Duration.ofHours(1), () -> {
            Parallel.forEach(4, i -> order.add("kernel"));
            return null;
        }));
        background.start();
        assertThat(asked.await(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(50); // time enough for the kernel to run, were it not waiting
        order.add("urgent done");
        busy.set(false);
        background.join();
        assertThat(order).first().isEqualTo("urgent done");
        assertThat(order).hasSize(5);
    }

    @Test
    void backgroundWorkIsSlowedNotStarvedWhenTheUrgentWorkNeverStops() {
        AtomicInteger looks = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        Engine.inBackground(() -> {
            looks.incrementAndGet();
            return true; // always busy
        }, Duration.ofMillis(1), () -> {
            for (int k = 0; k < 5; k++) {
                Parallel.forRows(64, 1, (r0, n) -> ran.addAndGet(n));
            }
            return null;
        });
        assertThat(ran.get()).isEqualTo(5 * 64);
        assertThat(looks.get()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void onlyTheThreadThatAskedDefersAndTheScopeEnds() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        Engine.inBackground(() -> {
            looks.incrementAndGet();
            return false;
        }, Duration.ofMillis(1), () -> {
            Parallel.forEach(2, i -> { });
            return null;
        });
        int inside = looks.get();
        Parallel.forEach(2, i -> { }); // after the scope
        Thread other = new Thread(() -> Parallel.forEach(2, i -> { }));
        other.start();
        other.join();
        assertThat(inside).isEqualTo(1);
        assertThat(looks.get()).isEqualTo(1);
    }
}
