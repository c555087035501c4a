package dev.polarity.serving.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The explanation pool refuses what it cannot hold and gives up on, and cancels, what runs too long. */
class ExplainPoolTest {

    @Test
    void workBeyondTheThreadsAndTheQueueIsRefusedAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        try (ExplainPool pool = new ExplainPool(1, 1, "test-explain")) {
            CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> pool.run(() -> {
                started.countDown();
                release.await();
                return "first";
            }, Duration.ofMinutes(1)));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> queued = CompletableFuture.supplyAsync(() -> pool.run(() -> "second", Duration.ofMinutes(1)));
            // the queued task must be in the queue before the third is offered
            while (!queued.isDone() && pool.queued() == 0) {
                Thread.onSpinWait();
            }
            assertThatThrownBy(() -> pool.run(() -> "third", Duration.ofMinutes(1)))
                    .isInstanceOf(ExplainBusyException.class).hasMessageContaining("1 running and 1 waiting");
            release.countDown();
            assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(queued.get(30, TimeUnit.SECONDS)).isEqualTo("second");
        }
    }

    @Test
    void aTaskPastTheTimeoutIsAnsweredAsTimedOutAndInterrupted() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        try (ExplainPool pool = new ExplainPool(1, 1, "test-explain")) {
            assertThatThrownBy(() -> pool.run(() -> {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
                return "never";
            }, Duration.ofMillis(50))).isInstanceOf(ExplainTimeoutException.class);
            assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the task was interrupted").isTrue();
            // the thread is free again afterwards
            assertThat(pool.run(() -> "next", Duration.ofMinutes(1))).isEqualTo("next");
        }
    }

    @Test
    void aFailureInsideReachesTheCallerAsItself() {
        try (ExplainPool pool = new ExplainPool(1, 1, "test-explain")) {
            assertThatThrownBy(() -> pool.run(() -> {
                throw new IllegalArgumentException("bad");
            }, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class).hasMessage("bad");
        }
    }
}
