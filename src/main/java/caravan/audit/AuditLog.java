package caravan.audit;

import java.util.List;

/**
 * The audit log: records appended to one chain ({@link AuditChain}), read back oldest first, and checked.
 * Kept in the same database as keys and tenants, so an admin change and its record are written in one
 * transaction. Every call blocks: callers run it on the store's pool, never on an event loop.
 */
public interface AuditLog {

    /**
     * Appends the events, in order, in a transaction of their own, after every record already written by
     * any instance sharing the database.
     *
     * @return the records as written
     * @throws caravan.store.StoreException when the database fails (nothing is appended)
     */
    List<AuditRecord> append(List<AuditEvent> events);

    /** Up to {@code limit} records with a seq above {@code afterSeq}, oldest first. */
    List<AuditRecord> page(long afterSeq, int limit);

    /** Checks every record against the chain and the log's head; see {@link ChainVerifier}. */
    Verification verify();
}
