package caravan.processors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.function.Function;

import caravan.api.Authenticator;
import caravan.api.Caller;
import caravan.api.GatewayException;
import caravan.api.Variables;
import caravan.keys.KeyRegistry;
import caravan.keys.KeySecrets;
import caravan.keys.Tenant;
import caravan.keys.TenantIds;
import caravan.keys.VirtualKey;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The caller's key, given as {@code Authorization: Bearer <key>} (OpenAI SDKs) or {@code x-api-key}
 * (Anthropic SDKs): a virtual key ({@code ck-...}, looked up in memory by its digest) names its tenant and
 * scope; the master key ({@code GATEWAY_MASTER_KEY}) is tenant {@code default}, or the tenant it names with
 * {@code x-caravan-tenant}. The HTTP edge asks it before reading a body ({@link Authenticator}); as the
 * {@code authenticate} route step it puts the caller's key, tenant and the tenant's provider accounts into
 * the exchange, asking again only when no edge did. Without a master key every call passes as tenant
 * {@code default} unless it presents a live virtual key (the gateway then listens on 127.0.0.1 only).
 */
public final class Authenticate implements Processor, Authenticator {

    static final String TENANT_HEADER = "x-caravan-tenant";

    private final byte[] masterKey;
    private final KeyRegistry keys;

    public Authenticate(String masterKey, KeyRegistry keys) {
        this.masterKey = masterKey == null || masterKey.isBlank() ? null : masterKey.getBytes(StandardCharsets.UTF_8);
        this.keys = keys;
    }

    @Override
    public boolean required() {
        return masterKey != null;
    }

    @Override
    public Caller identify(Function<String, String> header) {
        String presented = presentedKey(header);
        if (presented == null) {
            return masterKey == null ? Caller.DEFAULT : null;
        }
        if (KeySecrets.looksLikeKey(presented)) {
            VirtualKey key = keys.find(presented, Instant.now());
            if (key != null) {
                return Caller.ofKey(key.tenant(), key.id());
            }
        }
        if (masterKey == null) {
            return Caller.DEFAULT;
        }
        // constant time, so the comparison does not tell how much of a guess was right
        if (!MessageDigest.isEqual(masterKey, presented.getBytes(StandardCharsets.UTF_8))) {
            throw GatewayException.invalidApiKey("Incorrect API key provided.");
        }
        String tenant = header.apply(TENANT_HEADER);
        return Caller.masterFor(tenant == null || tenant.isBlank() ? null : TenantIds.check(tenant.trim(), TENANT_HEADER));
    }

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getVariable(Variables.CALLER, Caller.class);
        if (caller == null) {
            Message message = exchange.getMessage();
            caller = identify(name -> message.getHeader(name, String.class));
            // no engine may carry the key any further than this step
            message.removeHeader("Authorization");
            message.removeHeader("x-api-key");
            if (caller == null) {
                throw GatewayException.invalidApiKey("You didn't provide an API key. Send the gateway key in an "
                        + "Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).");
            }
            exchange.setVariable(Variables.CALLER, caller);
        }
        exchange.setVariable(Variables.TENANT, caller.tenant());
        if (caller.keyId() != null) {
            VirtualKey key = keys.key(caller.keyId());
            if (key != null) {
                exchange.setVariable(Variables.VIRTUAL_KEY, key);
            }
        }
        Tenant tenant = keys.tenant(caller.tenant());
        if (tenant != null) {
            exchange.setVariable(Variables.TENANT_PROFILE, tenant);
            if (!tenant.providers().isEmpty()) {
                exchange.setVariable(Variables.PROVIDER_ACCOUNTS, tenant.providers());
            }
        }
    }

    private static String presentedKey(Function<String, String> header) {
        String authorization = header.apply("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return header.apply("x-api-key");
    }
}
