package caravan.providers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import caravan.api.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider answered 401: the credentials the call was made with were refused. The client gets a 502 that
 * says so (its key to the gateway is fine); the operator gets a warning, at most once a minute per provider
 * and account, naming the provider, and the tenant when the call used that tenant's own account, but never
 * the key nor the provider's message (which may quote part of it). Whose key it was decides who must act:
 * the operator for the gateway's, the tenant's admin for a tenant's.
 */
final class ProviderCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderCredentials.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final Map<String, Long> lastWarned = new ConcurrentHashMap<>();

    private ProviderCredentials() {
    }

    /** @param tenant the tenant whose own account the call used, or null for the gateway's credentials */
    static GatewayException rejected(String provider, String tenant) {
        if (tenant == null) {
            if (firstThisMinute(provider)) {
                LOG.warn("Provider '{}' answered 401 to the gateway's credentials: check its key in the gateway's "
                        + "configuration (README: \"Providers\")", provider);
            }
            return GatewayException.providerRejectedCredentials(provider);
        }
        if (firstThisMinute(provider + '\u0000' + tenant)) {
            LOG.warn("Provider '{}' answered 401 to the key of tenant '{}' (the tenant's own account there, not the "
                    + "gateway's key): the tenant's key for it is missing, wrong or revoked", provider, tenant);
        }
        return GatewayException.providerRejectedTenantCredentials(provider);
    }

    private static boolean firstThisMinute(String account) {
        long now = System.nanoTime();
        Long last = lastWarned.get(account);
        if ((last == null || now - last > WARN_EVERY_NANOS) && lastWarned.size() < 1000) {
            lastWarned.put(account, now);
            return true;
        }
        return false;
    }
}
