package caravan.keys;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;

/**
 * Background store work that must not pile up (the spend flush, the key refresh, the ledger's writes): at
 * most one run in flight on the store's pool, a trigger while one runs is skipped (the next trigger does
 * the work), and an outage is logged twice, when it starts and when it ends, however many runs fail in
 * between. After a failure the next run may be held back for a while, so a store that fails fast is not
 * hammered by a caller that triggers often.
 */
public final class SingleFlight {

    private final Logger log;
    private final String failingMessage;
    private final String recoveredMessage;
    private final long pauseNanos;
    private final AtomicReference<CompletableFuture<?>> running = new AtomicReference<>();
    private volatile boolean failing;
    private volatile long failedAt;

    /**
     * @param failingMessage   logged (WARN) when a run fails after one succeeded; {@code {}} is the failure
     * @param recoveredMessage logged (INFO) when a run succeeds after one failed
     * @param pauseAfterFailure how long after a failure no new run starts
     */
    public SingleFlight(Logger log, String failingMessage, String recoveredMessage, Duration pauseAfterFailure) {
        this.log = log;
        this.failingMessage = failingMessage;
        this.recoveredMessage = recoveredMessage;
        this.pauseNanos = pauseAfterFailure.toNanos();
    }

    /**
     * Starts {@code work} on {@code pool} unless a run is in flight or a failure is too recent.
     *
     * @param onFailure told when the work failed or the pool refused it (before the outage is logged), so the
     *                  caller can keep what the work was to write
     * @return whether the work was started
     */
    public boolean run(StorePool pool, Callable<?> work, Consumer<Throwable> onFailure) {
        if (failing && System.nanoTime() - failedAt < pauseNanos) {
            return false;
        }
        CompletableFuture<Object> run = new CompletableFuture<>();
        if (!running.compareAndSet(null, run)) {
            return false;
        }
        CompletableFuture<?> submitted;
        try {
            submitted = pool.submit(work);
        } catch (RuntimeException rejected) {
            submitted = CompletableFuture.failedFuture(rejected);
        }
        submitted.whenComplete((done, failure) -> {
            if (failure != null) {
                onFailure.accept(failure);
            }
            outcome(failure);
            running.set(null);
            run.complete(null);
        });
        return true;
    }

    /** Records how a run that was not started through {@link #run} went (the last write at stop). */
    public void outcome(Throwable failure) {
        if (failure != null) {
            failedAt = System.nanoTime();
            if (!failing) {
                failing = true;
                log.warn(failingMessage, failure.toString());
            }
        } else if (failing) {
            failing = false;
            log.info(recoveredMessage);
        }
    }

    /** Whether the last run failed. */
    public boolean failing() {
        return failing;
    }

    /** Waits for the run in flight, if any, to end (at stop, before the last write). */
    public void awaitIdle(Duration timeout) throws InterruptedException, TimeoutException {
        CompletableFuture<?> run = running.get();
        if (run != null) {
            try {
                run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException impossible) {
                // completed only normally: the outcome was handled when the run ended
            }
        }
    }
}
