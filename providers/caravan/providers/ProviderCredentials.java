package caravan.providers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import caravan.api.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider answered 401: the gateway's credentials for it were refused. The client gets a 502 that
 * says so (its own key is fine); the operator gets a warning, at most once a minute per provider, naming
 * the provider but not the key nor the provider's message (which may quote part of it).
 */
final class ProviderCredentials {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderCredentials.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final Map<String, Long> lastWarned = new ConcurrentHashMap<>();

    private ProviderCredentials() {
    }

    static GatewayException rejected(String provider) {
        long now = System.nanoTime();
        Long last = lastWarned.get(provider);
        if ((last == null || now - last > WARN_EVERY_NANOS) && lastWarned.size() < 1000) {
            lastWarned.put(provider, now);
            LOG.warn("Provider '{}' answered 401 to the gateway's credentials: check its key in the gateway's "
                    + "configuration (README: \"Providers\")", provider);
        }
        return GatewayException.providerRejectedCredentials(provider);
    }
}
