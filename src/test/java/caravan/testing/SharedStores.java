package caravan.testing;

import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import static org.awaitility.Awaitility.await;

/** What tests of several gateway instances on one PostgreSQL (and one Redis) share. */
public final class SharedStores {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SharedStores() {
    }

    /**
     * A {@code GATEWAY_SECRET_KEY}: 32 random bytes, base64. One per test class, given to every instance on
     * its database, as the README asks of instances that share one.
     */
    public static String newSecretKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Waits (at most 2 s: the README promises 1 s with the default 500 ms refresh) until {@code gateway}
     * knows {@code key}: {@code GET /v1/models} authenticates the key and takes nothing from its limits.
     */
    public static void awaitKnown(GatewayUnderTest gateway, String key) {
        await("the gateway on port " + gateway.port() + " knows the key")
                .atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(25))
                .until(() -> models(gateway, key).statusCode() == 200);
    }

    /** {@code GET /v1/models} with the key: 200 when the gateway knows it live, 401 when not. */
    public static HttpResponse<String> models(GatewayUnderTest gateway, String key) {
        return gateway.get("/v1/models", "Authorization", "Bearer " + key);
    }
}
