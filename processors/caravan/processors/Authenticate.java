package caravan.processors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import caravan.api.GatewayException;
import caravan.api.Variables;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Checks the caller's key against {@code GATEWAY_MASTER_KEY}, given as {@code Authorization: Bearer <key>}
 * (OpenAI SDKs) or {@code x-api-key} (Anthropic SDKs), and names the caller's tenant. The key headers are
 * dropped afterwards so no later step can log or forward them. Without a master key every call passes
 * (the gateway then listens on 127.0.0.1 only).
 */
public final class Authenticate implements Processor {

    static final String DEFAULT_TENANT = "default";

    private final byte[] masterKey;

    public Authenticate(String masterKey) {
        this.masterKey = masterKey == null || masterKey.isBlank() ? null : masterKey.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        if (masterKey != null) {
            String presented = presentedKey(message);
            if (presented == null) {
                throw GatewayException.invalidApiKey("You didn't provide an API key. Send the gateway key in an "
                        + "Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).");
            }
            // constant time, so the comparison does not tell how much of a guess was right
            if (!MessageDigest.isEqual(masterKey, presented.getBytes(StandardCharsets.UTF_8))) {
                throw GatewayException.invalidApiKey("Incorrect API key provided.");
            }
        }
        message.removeHeader("Authorization");
        message.removeHeader("x-api-key");
        exchange.setVariable(Variables.TENANT, DEFAULT_TENANT);
    }

    private static String presentedKey(Message message) {
        String authorization = message.getHeader("Authorization", String.class);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return message.getHeader("x-api-key", String.class);
    }
}
