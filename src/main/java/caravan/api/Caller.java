package caravan.api;

/**
 * Who is calling, as the credentials they presented prove it: established once per request, from its
 * headers, before its body is read. The {@code authenticate} step turns it into the {@code tenant}, the
 * {@code virtualKey} and its scope that the rest of the flow reads.
 *
 * @param tenant the tenant the credentials belong to
 * @param admin  whether the credentials open the gateway's status and spend pages (the master key's do)
 * @param keyId  the id of the virtual key presented, or null for the master key (and for everyone while
 *               the gateway runs without one)
 */
public record Caller(String tenant, boolean admin, String keyId) {

    public static final String DEFAULT_TENANT = "default";

    /** The master key's caller, and everyone's while the gateway runs without one (local only). */
    public static final Caller DEFAULT = new Caller(DEFAULT_TENANT, true, null);

    /** The master key's holder acting for another tenant ({@code x-caravan-tenant}). */
    public static Caller masterFor(String tenant) {
        return tenant == null || tenant.equals(DEFAULT_TENANT) ? DEFAULT : new Caller(tenant, true, null);
    }

    /** A caller that presented a virtual key. */
    public static Caller ofKey(String tenant, String keyId) {
        return new Caller(tenant, false, keyId);
    }
}
