package caravan.keys;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where keys, tenants and spend are kept (the embedded H2 file database, or PostgreSQL): blocking calls,
 * made only from the store's own worker pool, never from an event loop. Every write bumps
 * {@link #changeVersion()}, which every gateway instance polls to reload its in-memory view.
 *
 * <p>Every write of keys and tenants names its {@code actor} (a virtual key's id, or {@code master}) and
 * is recorded in the audit log in the same transaction: a change that cannot be recorded is not made.
 */
public interface KeyStore {

    /** @throws IllegalStateException when a key with that id or digest exists */
    void insertKey(VirtualKey key, String actor);

    /** Replaces the key of that id; false when there is none. */
    boolean updateKey(VirtualKey key, String actor);

    /** Marks the key revoked (its row stays, for the ledger); false when there is none or it was already revoked. */
    boolean revokeKey(String id, Instant at, String actor);

    Optional<VirtualKey> key(String id);

    /** Every key, revoked ones included, oldest first. */
    List<VirtualKey> keys();

    /** @throws IllegalStateException when a tenant with that id exists */
    void insertTenant(Tenant tenant, String actor);

    /** Creates the tenant with no limits of its own unless it exists; true when it was created. */
    boolean ensureTenant(String id, Instant at, String actor);

    boolean updateTenant(Tenant tenant, String actor);

    /** Deletes the tenant and revokes its keys (each revocation recorded too); false when there is none. */
    boolean deleteTenant(String id, Instant at, String actor);

    Optional<Tenant> tenant(String id);

    List<Tenant> tenants();

    /** A number that grows with every write of keys or tenants, by any instance sharing the store. */
    long changeVersion();

    /** Adds settled spend, in nano-dollars, to each account ({@code key:<id>:<periodStart>} and the like). */
    void addSpend(Map<String, Long> nanoUsdByAccount);

    /** The spend recorded so far for that account, in nano-dollars (0 when none). */
    long spend(String account);
}
