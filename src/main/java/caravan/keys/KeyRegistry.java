package caravan.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every key and tenant of the store, held in memory so that the hot path looks a key up without a
 * database call: a presented key is found by its digest in one map lookup. The view is replaced whole
 * after a write on this instance ({@link #reload()}) and whenever the store's change version moved
 * ({@link #refreshIfChanged}, polled by every instance), so a revocation is in force on the next
 * request here and within the polling interval everywhere else. A store that cannot be read keeps the
 * last view in force.
 */
public final class KeyRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRegistry.class);

    private final KeyStore store;
    private final Function<String, String> digest;
    private final Runnable callsWillCountTokens;
    private final SingleFlight refreshes = new SingleFlight(LOG,
            "The key store cannot be read ({}); the keys and tenants read last stay in force",
            "The key store answers again", Duration.ZERO);
    private volatile View view = View.EMPTY;

    /** @param digest the HMAC digest the store keeps of each key ({@code GatewaySecret#digest}) */
    public KeyRegistry(KeyStore store, Function<String, String> digest) {
        this(store, digest, () -> { });
    }

    /**
     * @param digest               the HMAC digest the store keeps of each key ({@code GatewaySecret#digest})
     * @param callsWillCountTokens run after a read that found a key or tenant whose calls are admitted on a
     *                             token count (token limits, a budget): the gateway then loads its token
     *                             tables ahead of the first such call, off the event loop it would block
     */
    public KeyRegistry(KeyStore store, Function<String, String> digest, Runnable callsWillCountTokens) {
        this.store = store;
        this.digest = digest;
        this.callsWillCountTokens = callsWillCountTokens;
    }

    /** An empty registry with no store: the gateway without keys (tests of single parts). */
    public static KeyRegistry none() {
        return new KeyRegistry(null, secret -> secret);
    }

    /** Reads the whole store now (blocking: only on the store's pool, or at start). */
    public void reload() {
        if (store == null) {
            return;
        }
        long version = store.changeVersion();
        Map<String, VirtualKey> byDigest = new HashMap<>();
        Map<String, VirtualKey> byId = new HashMap<>();
        for (VirtualKey key : store.keys()) {
            byId.put(key.id(), key);
            if (key.revokedAt() == null) {
                byDigest.put(key.digest(), key);
            }
        }
        Map<String, Tenant> tenants = new HashMap<>();
        for (Tenant tenant : store.tenants()) {
            tenants.put(tenant.id(), tenant);
        }
        view = new View(version, byDigest, byId, tenants);
        if (byDigest.values().stream().anyMatch(key -> countsTokens(key.limits(), key.budget()))
                || tenants.values().stream().anyMatch(tenant -> countsTokens(tenant.limits(), tenant.budget()))) {
            callsWillCountTokens.run();
        }
    }

    private static boolean countsTokens(Limits limits, Budget budget) {
        return limits.countTokens() || budget.limited();
    }

    /**
     * Reloads when another instance (or this one) changed the store since the last read. At most one
     * refresh runs at a time; a failing store is logged once until it answers again.
     *
     * @param pool runs the work where blocking is allowed
     */
    public void refreshIfChanged(StorePool pool) {
        if (store != null) {
            refreshes.run(pool, () -> {
                if (store.changeVersion() != view.version) {
                    reload();
                }
                return null;
            }, failure -> { });
        }
    }

    /** The live key whose secret this is, or null (unknown, revoked or expired). */
    public VirtualKey find(String secret, Instant now) {
        View current = view;
        if (current.byDigest.isEmpty()) {
            return null;
        }
        VirtualKey key = current.byDigest.get(digest.apply(secret));
        return key != null && key.live(now) ? key : null;
    }

    /** The key of that id, revoked or not, or null. */
    public VirtualKey key(String id) {
        return id == null ? null : view.byId.get(id);
    }

    /** The tenant of that id as the store has it, or null (a tenant with no row has no limits of its own). */
    public Tenant tenant(String id) {
        return id == null ? null : view.tenants.get(id);
    }

    public List<VirtualKey> keys() {
        return view.byId.values().stream().sorted(Comparator.comparing(VirtualKey::createdAt)).toList();
    }

    public List<Tenant> tenants() {
        return view.tenants.values().stream().sorted(Comparator.comparing(Tenant::id)).toList();
    }

    /** Whether any virtual key exists at all (until one does, only the master key opens anything). */
    public boolean hasKeys() {
        return !view.byDigest.isEmpty();
    }

    private record View(long version, Map<String, VirtualKey> byDigest, Map<String, VirtualKey> byId,
                        Map<String, Tenant> tenants) {
        static final View EMPTY = new View(Long.MIN_VALUE, Map.of(), Map.of(), Map.of());
    }
}
