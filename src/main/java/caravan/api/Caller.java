package caravan.api;

/**
 * Who is calling, as the credentials they presented prove it: established once per request, from its
 * headers, before its body is read. The {@code authenticate} step turns it into the {@code tenant} (and
 * later the key's scope) that the rest of the flow reads.
 *
 * @param tenant the tenant the credentials belong to
 * @param admin  whether the credentials open the gateway's status and spend pages (the master key's do)
 */
public record Caller(String tenant, boolean admin) {

    public static final String DEFAULT_TENANT = "default";

    /** The master key's caller, and everyone's while the gateway runs without one (local only). */
    public static final Caller DEFAULT = new Caller(DEFAULT_TENANT, true);
}
