package caravan.audit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import caravan.keys.StorePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the events that happen outside any database transaction (route and Kamelet files loaded,
 * reloaded or rejected) on the store's pool, in the order they happened, without holding up whoever
 * reports them. The change they record has already happened, so an event is never dropped for an outage:
 * when the store cannot take it, it waits here, in order, and is tried again every second until the store
 * takes it. Only a gateway that stops while its store stays down loses what still waits (logged as an
 * error); its next start records every file it loads again.
 */
public final class AuditQueue {

    private static final Logger LOG = LoggerFactory.getLogger(AuditQueue.class);

    private static final long RETRY_MILLIS = 1000;
    /** Events appended in one transaction at most: a start records a few dozen files at once. */
    private static final int BATCH = 500;

    private final AuditLog log;
    private final StorePool pool;
    private final Executor retryLater;

    /** Guarded by {@code this}, as are the fields after it. */
    private final Deque<AuditEvent> waiting = new ArrayDeque<>();
    /** Whether an append is under way or scheduled: one at a time keeps the records in order. */
    private boolean draining;
    /** Whether the last append failed: an outage is logged when it starts and when it ends, not every second. */
    private boolean failing;
    private boolean closed;

    public AuditQueue(AuditLog log, StorePool pool) {
        this(log, pool, CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS));
    }

    AuditQueue(AuditLog log, StorePool pool, Executor retryLater) {
        this.log = log;
        this.pool = pool;
        this.retryLater = retryLater;
    }

    /** Queues the event after every one added before it; returns at once. */
    public void add(AuditEvent event) {
        synchronized (this) {
            if (closed) {
                LOG.error("An audit record came after the stop and is not written: {} {} by {}", event.action(),
                        event.object(), event.actor());
                return;
            }
            waiting.add(event);
            if (draining) {
                return;
            }
            draining = true;
        }
        drain();
    }

    /** How many events wait for the store. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /**
     * Waits, up to {@code timeout}, until every queued event is written, then takes no more: at stop, before
     * the database closes.
     *
     * @return whether every event was written
     */
    public boolean close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            try {
                for (long left = timeout.toNanos(); !waiting.isEmpty() && left > 0; left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closed = true;
            if (!waiting.isEmpty()) {
                LOG.error("{} audit records of route files could not be written before the stop: the store is not"
                        + " taking them. The next start records every file it loads.", waiting.size());
            }
            return waiting.isEmpty();
        }
    }

    private void drain() {
        List<AuditEvent> batch;
        synchronized (this) {
            if (closed) {
                return;
            }
            batch = new ArrayList<>(Math.min(BATCH, waiting.size()));
            for (AuditEvent event : waiting) {
                if (batch.size() == BATCH) {
                    break;
                }
                batch.add(event);
            }
        }
        pool.submit(() -> log.append(batch)).whenComplete((written, failure) -> {
            boolean again;
            synchronized (this) {
                if (failure == null) {
                    batch.forEach(event -> waiting.removeFirst());
                    if (failing) {
                        failing = false;
                        LOG.info("The audit log takes records again; {} wait", waiting.size());
                    }
                } else if (!failing) {
                    failing = true;
                    LOG.warn("Audit records of route files wait for the store ({}): retried every second",
                            failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage());
                }
                again = !waiting.isEmpty() && !closed;
                draining = again;
                notifyAll();
            }
            if (again) {
                if (failure != null) {
                    retryLater.execute(this::drain);
                } else {
                    drain();
                }
            }
        });
    }
}
