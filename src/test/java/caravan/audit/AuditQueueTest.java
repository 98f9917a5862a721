package caravan.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;

import caravan.keys.StorePool;
import caravan.store.StoreException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** File events wait in order while the store is down and are all written, in order, once it is back. */
class AuditQueueTest {

    /** A log whose store can be taken down and brought back. */
    static final class FlakyLog implements AuditLog {
        final List<AuditEvent> written = new ArrayList<>();
        boolean down;
        int attempts;

        @Override
        public synchronized List<AuditRecord> append(List<AuditEvent> events) {
            attempts++;
            if (down) {
                throw new StoreException("The store could not append to the audit log (test)", null);
            }
            written.addAll(events);
            return List.of();
        }

        // the queue only appends: reading the log back is not its business, and a call here would be a bug
        @Override
        public List<AuditRecord> page(long afterSeq, int limit) {
            throw new AssertionError("the audit queue read the log back (page)");
        }

        @Override
        public Verification verify() {
            throw new AssertionError("the audit queue read the log back (verify)");
        }
    }

    /** The retries the queue schedules, run when the test says. */
    static final class Later implements Executor {
        final Deque<Runnable> scheduled = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable retry) {
            scheduled.add(retry);
        }

        /** Runs the retries scheduled so far (not those they schedule in turn). */
        void runScheduled() {
            List<Runnable> due;
            synchronized (this) {
                due = new ArrayList<>(scheduled);
                scheduled.clear();
            }
            due.forEach(Runnable::run);
        }
    }

    final FlakyLog log = new FlakyLog();
    final Later later = new Later();
    final AuditQueue queue = new AuditQueue(log, StorePool.DIRECT, later);

    @Test
    void writesEachEventWhenTheStoreTakesIt() {
        queue.add(event("routes/a.yaml"));
        queue.add(event("routes/b.yaml"));

        assertThat(log.written).extracting(AuditEvent::object).containsExactly("routes/a.yaml", "routes/b.yaml");
        assertThat(queue.waiting()).isZero();
        assertThat(later.scheduled).isEmpty();
    }

    @Test
    void keepsEventsInOrderWhileTheStoreIsDownAndWritesThemAllWhenItIsBack() {
        queue.add(event("routes/a.yaml"));
        log.down = true;
        queue.add(event("routes/b.yaml"));
        queue.add(event("routes/c.yaml"));
        assertThat(queue.waiting()).isEqualTo(2);
        later.runScheduled();
        later.runScheduled();
        assertThat(queue.waiting()).as("still down: nothing is dropped").isEqualTo(2);
        assertThat(later.scheduled).as("tried again later").hasSize(1);

        log.down = false;
        queue.add(event("routes/d.yaml"));
        assertThat(log.written).as("a new event waits behind the older ones").hasSize(1);
        later.runScheduled();

        assertThat(log.written).extracting(AuditEvent::object)
                .containsExactly("routes/a.yaml", "routes/b.yaml", "routes/c.yaml", "routes/d.yaml");
        assertThat(queue.waiting()).isZero();
        assertThat(queue.close(Duration.ZERO)).isTrue();
    }

    @Test
    void aStopWithTheStoreDownSaysSoAndTakesNoMore() {
        log.down = true;
        queue.add(event("routes/a.yaml"));

        assertThat(queue.close(Duration.ofMillis(50))).isFalse();
        int attempts = log.attempts;
        later.runScheduled();
        queue.add(event("routes/b.yaml"));
        assertThat(log.attempts).as("no retry after the stop").isEqualTo(attempts);
    }

    private static AuditEvent event(String file) {
        return new AuditEvent(Instant.parse("2026-03-01T10:00:00Z"), AuditEvent.FILE, AuditEvent.ROUTE_LOAD, file,
                "00".repeat(32));
    }
}
