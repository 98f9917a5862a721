package caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import caravan.api.Json;
import caravan.api.ProviderAccount;
import caravan.api.Variables;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Sets the variables {@code authenticate} sets for a tenant's key, from a test header, so that the steps
 * reading them (provider accounts, policies on trusted attributes) are tested without a key store: a request
 * with {@code x-test-tenant: <id>} is that tenant's, with the key and the profile registered for it here
 * ({@code tenant}, {@code virtualKey}, {@code tenantProfile}, and {@code providerAccounts} when the profile
 * has any); any other request keeps what {@code authenticate} set. {@link #install} puts the step right
 * after {@code authenticate} in a working directory's copy of {@code routes/edge.yaml}; bind the fixture
 * as {@link #BEAN}.
 */
public final class TenantFixture implements Processor {

    public static final String BEAN = "tenantFixture";
    public static final String HEADER = "x-test-tenant";

    private final Map<String, Registered> tenants = new ConcurrentHashMap<>();

    private record Registered(VirtualKey key, Tenant profile) {
    }

    /** Requests with {@code x-test-tenant: <profile id>} come with {@code key} (may be null) and {@code profile}. */
    public TenantFixture register(VirtualKey key, Tenant profile) {
        tenants.put(profile.id(), new Registered(key, profile));
        return this;
    }

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getMessage().getHeader(HEADER, String.class);
        if (id == null) {
            return;
        }
        Registered registered = tenants.get(id);
        if (registered == null) {
            throw new IllegalStateException("No tenant '" + id + "' is registered with the test's fixture");
        }
        exchange.setVariable(Variables.TENANT, id);
        exchange.setVariable(Variables.TENANT_PROFILE, registered.profile());
        if (registered.key() != null) {
            exchange.setVariable(Variables.VIRTUAL_KEY, registered.key());
        }
        if (!registered.profile().providers().isEmpty()) {
            exchange.setVariable(Variables.PROVIDER_ACCOUNTS, registered.profile().providers());
        }
    }

    /** A key of {@code tenant} with those attributes ({@code metadata} as JSON). */
    public static VirtualKey key(String id, String tenant, String team, String user, String metadata) {
        Instant now = Instant.now();
        return new VirtualKey(id, "digest-" + id, "ck-" + id, "key " + id, tenant, team, user, List.of(), null, null, null,
                json(metadata), now, now, null);
    }

    /** A tenant with its own provider accounts and attributes ({@code metadata} as JSON). */
    public static Tenant tenant(String id, Map<String, ProviderAccount> providers, String metadata) {
        Instant now = Instant.now();
        return new Tenant(id, null, null, providers, json(metadata), now, now);
    }

    /** Runs the fixture right after each {@code authenticate} step of {@code workDir}'s {@code routes/edge.yaml}. */
    public static void install(Path workDir) {
        Path edge = workDir.resolve("routes/edge.yaml");
        try {
            String yaml = Files.readString(edge);
            String step = "            ref: authenticate\n";
            if (!yaml.contains(step)) {
                throw new IllegalStateException("routes/edge.yaml has no authenticate step to follow");
            }
            Files.writeString(edge, yaml.replace(step, step + "        - process:\n            ref: " + BEAN + "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
