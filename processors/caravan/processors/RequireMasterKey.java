package caravan.processors;

import caravan.api.Caller;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Variables;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Lets only the master key's holder through to the admin API (after {@code authenticate}), which makes
 * and revokes keys for every tenant. A virtual key gets 403. Without a master key the gateway runs
 * local-only and unauthenticated, and the admin API is closed: 403 saying so.
 */
public final class RequireMasterKey implements Processor {

    private final boolean masterKeySet;

    public RequireMasterKey(boolean masterKeySet) {
        this.masterKeySet = masterKeySet;
    }

    @Override
    public void process(Exchange exchange) {
        if (!masterKeySet) {
            throw new GatewayException(403, ErrorType.PERMISSION, "admin_disabled", null,
                    "The admin API is closed while the gateway runs without a master key: set GATEWAY_MASTER_KEY "
                            + "and call it with that key.");
        }
        Caller caller = exchange.getVariable(Variables.CALLER, Caller.class);
        if (caller == null || !caller.admin() || caller.keyId() != null) {
            throw new GatewayException(403, ErrorType.PERMISSION, "admin_only", null,
                    "The admin API needs the gateway's master key; this key cannot manage keys or tenants.");
        }
    }
}
