package dev.polarity.serving;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load: each client sends on a fixed schedule whatever the answers, and a request's
 * latency runs from the moment it was due, not from when a slow answer let it go out, so a
 * backlog shows in the figures instead of slowing the load down (no coordinated omission). A
 * client that falls behind sends its overdue requests at once.
 */
final class OpenLoopLoad {
    private OpenLoopLoad() {}

    /**
     * What the clients saw; {@code okNanos} sorted. {@code okInWindow}: answers 200 that arrived
     * in the steady part of the load, over {@code windowSeconds}: not its first fifth, while the
     * queue filled and no answer could come back yet, nor after it, when clients that fell behind
     * send their overdue requests one at a time, a tail that no longer overloads anything.
     */
    record Outcome(long sent, long ok, long tooMany, long tooManyWithoutRetryAfter, long other, long failed,
                   long[] okNanos, double seconds, long okInWindow, double windowSeconds) {
        /** Answers 200 per second while the overload lasted. */
        double goodput() {
            return okInWindow / windowSeconds;
        }

        double sentPerSecond() {
            return sent / seconds;
        }

        double okPercentileMillis(double q) {
            return okNanos.length == 0 ? Double.NaN
                    : okNanos[(int) Math.min(okNanos.length - 1, Math.ceil(q * okNanos.length) - 1)] / 1e6;
        }
    }

    /** Every client is ready before the first slot, this long after the call. */
    static final long LEAD_NANOS = 200_000_000L;

    /** How long after the call the steady part starts: the first fifth of the load fills the queue. */
    static long steadyFrom(Duration limit) {
        return LEAD_NANOS + limit.toNanos() / 5;
    }

    static Outcome run(int port, List<byte[]> requests, int clients, double perSecond, Duration limit) throws Exception {
        long interval = (long) (clients * 1e9 / perSecond);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long called = System.nanoTime();
        long start = called + LEAD_NANOS;
        long end = start + limit.toNanos();
        long steady = called + steadyFrom(limit);
        try {
            List<Future<long[]>> done = new ArrayList<>();
            List<long[]> latencies = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                long[] mine = new long[(int) (limit.toNanos() / interval) + 2];
                latencies.add(mine);
                done.add(pool.submit(() -> client(port, requests, client, start + client * interval / clients, interval,
                        steady, end, mine)));
            }
            long[] totals = new long[7];
            List<long[]> ok = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                long[] t = done.get(c).get();
                for (int i = 0; i < totals.length; i++) {
                    totals[i] += t[i];
                }
                ok.add(Arrays.copyOf(latencies.get(c), (int) t[1]));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] all = ok.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Outcome(totals[0], totals[1], totals[2], totals[3], totals[4], totals[5], all, seconds, totals[6],
                    (end - steady) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Returns sent, ok, 429, 429 without Retry-After, other statuses, connection failures, ok between {@code steady} and {@code end}. */
    private static long[] client(int port, List<byte[]> requests, int client, long first, long interval, long steady,
                                 long end, long[] okNanos) throws IOException {
        long[] counts = new long[7];
        LoopbackClient http = new LoopbackClient(port);
        try {
            for (long due = first; due < end; due += interval) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                byte[] request = requests.get((int) ((client * 7919L + counts[0]) % requests.size()));
                counts[0]++;
                int status;
                try {
                    status = http.send(request);
                } catch (IOException e) {
                    counts[5]++;
                    http.close();
                    http = new LoopbackClient(port);
                    continue;
                }
                long answered = System.nanoTime();
                long latency = answered - due;
                if (status == 200) {
                    counts[6] += answered >= steady && answered <= end ? 1 : 0;
                    if (counts[1] < okNanos.length) {
                        okNanos[(int) counts[1]] = latency;
                    }
                    counts[1]++;
                } else if (status == 429) {
                    counts[2]++;
                    counts[3] += http.retryAfter() ? 0 : 1;
                } else {
                    counts[4]++;
                }
            }
        } finally {
            http.close();
        }
        counts[1] = Math.min(counts[1], okNanos.length);
        return counts;
    }
}
