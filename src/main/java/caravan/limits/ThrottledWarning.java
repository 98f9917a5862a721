package caravan.limits;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A warning logged at most once per interval, with how many like it were held back: during a Redis outage
 * every request fails its fire-and-forget calls, and one line a minute says as much as thousands.
 */
public final class ThrottledWarning {

    private final Logger log;
    private final String what;
    private final long everyNanos;
    private final AtomicLong nextAt;
    private final AtomicLong heldBack = new AtomicLong();

    public ThrottledWarning(Logger log, String what, Duration every) {
        this.log = log;
        this.what = what;
        this.everyNanos = every.toNanos();
        this.nextAt = new AtomicLong(System.nanoTime());
    }

    public void warn(Throwable failure) {
        long now = System.nanoTime();
        long next = nextAt.get();
        if (now - next >= 0 && nextAt.compareAndSet(next, now + everyNanos)) {
            log.warn("{}: {} ({} more in the last {} s not logged)", what, failure.getMessage(), heldBack.getAndSet(0),
                    everyNanos / 1_000_000_000L);
        } else {
            heldBack.incrementAndGet();
        }
    }
}
