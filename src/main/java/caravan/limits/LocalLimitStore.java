package caravan.limits;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The embedded limit store: buckets, in-flight requests and budget accounts in this process's memory,
 * answered at once on the calling thread. What no request uses any more is forgotten by a sweep on a thread
 * of its own, so memory follows the active keys, not every key ever seen.
 */
public final class LocalLimitStore implements LimitStore {

    private static final Duration SWEEP_EVERY = Duration.ofSeconds(30);
    private static final Duration ACCOUNT_IDLE = Duration.ofMinutes(10);

    private final LocalBuckets buckets = new LocalBuckets();
    private final LocalInFlight inFlight = new LocalInFlight(Lifetimes.IN_FLIGHT_STALE);
    private final LocalBudgets budgets = new LocalBudgets(ACCOUNT_IDLE);
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "caravan-limits-sweep");
        thread.setDaemon(true);
        return thread;
    });

    public LocalLimitStore() {
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<Take> take(List<BucketRequest> requests) {
        return CompletableFuture.completedFuture(buckets.take(requests));
    }

    @Override
    public void adjust(BucketRequest bucket, long delta) {
        buckets.adjust(bucket, delta);
    }

    @Override
    public CompletionStage<Boolean> enter(String key, int max, String requestId) {
        return CompletableFuture.completedFuture(inFlight.enter(key, max, requestId));
    }

    @Override
    public void leave(String key, String requestId) {
        inFlight.leave(key, requestId);
    }

    @Override
    public CompletionStage<Reservation> reserve(String account, long limitNanoUsd, long amountNanoUsd, boolean clamp,
                                                long seedSpentNanoUsd, Instant expiresAt) {
        return CompletableFuture.completedFuture(
                budgets.reserve(account, limitNanoUsd, amountNanoUsd, clamp, seedSpentNanoUsd, expiresAt));
    }

    @Override
    public void settle(String account, long reservedNanoUsd, long spentNanoUsd, Instant expiresAt) {
        budgets.settle(account, reservedNanoUsd, spentNanoUsd, expiresAt);
    }

    @Override
    public CompletionStage<Account> account(String account) {
        return CompletableFuture.completedFuture(budgets.account(account));
    }

    @Override
    public boolean reachable() {
        return true;
    }

    @Override
    public String kind() {
        return "memory";
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    /** Forgets what is as good as new: full buckets, lost in-flight entries, ended or idle accounts. */
    void sweep() {
        sweep(System.currentTimeMillis());
    }

    void sweep(long nowMillis) {
        buckets.forgetFull();
        inFlight.forgetStale();
        budgets.forgetIdle(nowMillis);
    }

    /** How many buckets, in-flight keys and accounts are held, to show that memory stays bounded. */
    int held() {
        return buckets.size() + inFlight.size() + budgets.size();
    }
}
