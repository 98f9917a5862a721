package caravan.audit;

import java.time.Instant;

/**
 * An {@link AuditEvent} as the log keeps it: its place in the chain ({@code seq}, from 1 without gaps) and
 * its {@code mac}, the HMAC-SHA-256 of its fields and the mac of the record before it ({@link AuditChain}).
 */
public record AuditRecord(long seq, Instant at, String actor, String action, String object, String digest, String mac) {

    public AuditEvent event() {
        return new AuditEvent(at, actor, action, object, digest);
    }
}
