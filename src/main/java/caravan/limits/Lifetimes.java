package caravan.limits;

import java.time.Duration;
import java.time.Instant;

/** How long both stores remember what a caller did not clean up: in-flight entries and budget accounts. */
final class Lifetimes {

    /**
     * An in-flight entry older than this belongs to a request whose {@code leave} was lost (its instance
     * crashed) and no longer counts: longer than any request the gateway lets run.
     */
    static final Duration IN_FLIGHT_STALE = Duration.ofMinutes(15);

    /** Returned by {@link #forgetAtMillis} for an account that is kept for good (a total budget). */
    static final long NEVER = Long.MAX_VALUE;

    /**
     * An account is kept this long past the end of its period, so that a request admitted just before the
     * end still finds its reservation when it settles.
     */
    private static final long GRACE_MILLIS = Duration.ofDays(1).toMillis();

    private static final Instant LAST_FORGETTABLE = Instant.ofEpochMilli(Long.MAX_VALUE - GRACE_MILLIS);

    private Lifetimes() {
    }

    /** When an account whose period ends at {@code expiresAt} may be forgotten, in epoch millis, or {@link #NEVER}. */
    static long forgetAtMillis(Instant expiresAt) {
        return expiresAt.isBefore(LAST_FORGETTABLE) ? expiresAt.toEpochMilli() + GRACE_MILLIS : NEVER;
    }
}
