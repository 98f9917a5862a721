package caravan.limits;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import caravan.keys.KeyStore;
import caravan.keys.SingleFlight;
import caravan.keys.StorePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settled spend on its way to the database, so that budgets survive a restart: added up in memory per
 * account (no database call per request) and written in one batch by the store's pool every flush
 * ({@link #flush}, about once a second, and on stop). A batch that fails is kept and written with the next.
 */
public final class SpendLog {

    private static final Logger LOG = LoggerFactory.getLogger(SpendLog.class);

    private final KeyStore store;
    private final Map<String, LongAdder> pending = new ConcurrentHashMap<>();
    private final SingleFlight writes = new SingleFlight(LOG,
            "Spend cannot be written to the store ({}); it is kept and written when the store answers",
            "Spend is written to the store again", Duration.ZERO);

    public SpendLog(KeyStore store) {
        this.store = store;
    }

    public void add(String account, long nanoUsd) {
        if (nanoUsd != 0) {
            pending.computeIfAbsent(account, name -> new LongAdder()).add(nanoUsd);
        }
    }

    /** What this instance settled for the account and has not written yet. */
    public long unwritten(String account) {
        LongAdder adder = pending.get(account);
        return adder == null ? 0 : adder.sum();
    }

    /** Writes what is pending, on the store's pool; at most one flush at a time. */
    public void flush(StorePool pool) {
        if (!pending.isEmpty()) {
            // drained on the pool's thread: a flush the pool refuses has taken nothing
            writes.run(pool, this::writePending, failure -> { });
        }
    }

    private Void writePending() {
        Map<String, Long> batch = drain();
        try {
            store.addSpend(batch);
        } catch (RuntimeException e) {
            restore(batch);
            throw e;
        }
        return null;
    }

    /** Writes what is pending now, on the calling thread (at stop). */
    public void flushNow() {
        Map<String, Long> batch = drain();
        if (!batch.isEmpty()) {
            try {
                store.addSpend(batch);
            } catch (RuntimeException e) {
                LOG.error("Spend of {} budget accounts could not be written at stop: {}", batch.size(), e.toString());
            }
        }
    }

    /** Adders stay (a concurrent add may hold one); they are few: keys and tenants with a budget, per period. */
    private Map<String, Long> drain() {
        Map<String, Long> batch = new HashMap<>();
        for (Map.Entry<String, LongAdder> entry : pending.entrySet()) {
            long amount = entry.getValue().sumThenReset();
            if (amount != 0) {
                batch.put(entry.getKey(), amount);
            }
        }
        return batch;
    }

    private void restore(Map<String, Long> batch) {
        batch.forEach(this::add);
    }
}
