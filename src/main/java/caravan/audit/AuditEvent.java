package caravan.audit;

import java.time.Instant;
import java.util.Objects;

import caravan.api.Caller;

/**
 * One change the audit log records: when, who made it, what was done to what, and a digest of what the
 * object is now. The digest is a SHA-256 of the new state ({@link StateDigests}) or of a file's bytes,
 * never the content itself, so no secret reaches the log.
 *
 * @param actor  a virtual key's id, {@link #MASTER} for the master key, or {@link #FILE} for a file on disk
 * @param action what was done, e.g. {@link #KEY_CREATE}, {@link #ROUTE_RELOAD}
 * @param object what it was done to: a key's or tenant's id, or a file's path ({@code routes/edge.yaml})
 * @param digest lowercase hex SHA-256 of the object's new state, or null when the object is gone
 */
public record AuditEvent(Instant at, String actor, String action, String object, String digest) {

    public static final String MASTER = "master";
    public static final String FILE = "file";

    public static final String KEY_CREATE = "key.create";
    public static final String KEY_UPDATE = "key.update";
    public static final String KEY_REVOKE = "key.revoke";
    public static final String TENANT_CREATE = "tenant.create";
    public static final String TENANT_UPDATE = "tenant.update";
    public static final String TENANT_DELETE = "tenant.delete";
    /** A route or Kamelet file loaded: at start, or a file that appeared while the gateway runs. */
    public static final String ROUTE_LOAD = "route.load";
    /** A route file loaded again after it was edited. */
    public static final String ROUTE_RELOAD = "route.reload";
    /** A route or Kamelet file that failed to load: the routes it held before keep serving. */
    public static final String ROUTE_REJECT = "route.reject";

    /** The longest object the log keeps: a longer file path keeps its end, which names the file. */
    static final int MAX_OBJECT = 1024;

    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(object, "object");
        if (object.length() > MAX_OBJECT) {
            object = "..." + object.substring(object.length() - MAX_OBJECT + 3);
        }
    }

    /** Who acts for a caller of the admin API: its virtual key's id, or {@link #MASTER}. */
    public static String actorOf(Caller caller) {
        return caller == null || caller.keyId() == null ? MASTER : caller.keyId();
    }
}
