package caravan.processors;

import caravan.api.Caller;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Variables;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Lets only an admin caller through (after {@code authenticate}): the gateway's status and spend pages
 * ({@code /metrics}, {@code /v1/caravan/stats}, {@code /v1/caravan/routing}) show every tenant's traffic
 * and spend. The master key is an admin's; keys handed to applications are not. Another caller gets 403.
 */
public final class RequireAdmin implements Processor {

    @Override
    public void process(Exchange exchange) {
        Caller caller = exchange.getVariable(Variables.CALLER, Caller.class);
        if (caller == null || !caller.admin()) {
            throw new GatewayException(403, ErrorType.PERMISSION, "admin_only", null,
                    "This page shows every tenant's traffic and spend: it needs the gateway's master key.");
        }
    }
}
