package caravan.processors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Function;

import caravan.api.Authenticator;
import caravan.api.Caller;
import caravan.api.GatewayException;
import caravan.api.Variables;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The caller's key, checked against {@code GATEWAY_MASTER_KEY}: given as {@code Authorization: Bearer <key>}
 * (OpenAI SDKs) or {@code x-api-key} (Anthropic SDKs). The HTTP edge asks it before reading a body
 * ({@link Authenticator}); as the {@code authenticate} route step it names the caller's tenant, asking
 * again only when no edge did (the route runs behind another platform-http engine). Without a master key
 * every call passes (the gateway then listens on 127.0.0.1 only).
 */
public final class Authenticate implements Processor, Authenticator {

    private final byte[] masterKey;

    public Authenticate(String masterKey) {
        this.masterKey = masterKey == null || masterKey.isBlank() ? null : masterKey.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean required() {
        return masterKey != null;
    }

    @Override
    public Caller identify(Function<String, String> header) {
        if (masterKey == null) {
            return Caller.DEFAULT;
        }
        String presented = presentedKey(header);
        if (presented == null) {
            return null;
        }
        // constant time, so the comparison does not tell how much of a guess was right
        if (!MessageDigest.isEqual(masterKey, presented.getBytes(StandardCharsets.UTF_8))) {
            throw GatewayException.invalidApiKey("Incorrect API key provided.");
        }
        return Caller.DEFAULT;
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
    }

    private static String presentedKey(Function<String, String> header) {
        String authorization = header.apply("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return header.apply("x-api-key");
    }
}
