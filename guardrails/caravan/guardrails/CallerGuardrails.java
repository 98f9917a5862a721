package caravan.guardrails;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import caravan.api.Variables;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guardrails the caller's key and its tenant add ({@code guardrails} in the admin API), made once per
 * distinct setting and kept: keys resend the same settings on every call, and the registry hands out new
 * key objects only when the admin changed one. A setting the gateway can no longer run (written before an
 * upgrade, say) is logged and skipped; the admin API refuses such settings when they are written.
 */
public final class CallerGuardrails implements OwnGuardrails {

    private static final Logger LOG = LoggerFactory.getLogger(CallerGuardrails.class);
    private static final int KEPT = 1024;

    private final GuardrailFactory factory;
    private final Map<JsonNode, List<GuardrailStep>> made = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<JsonNode, List<GuardrailStep>> eldest) {
                    return size() > KEPT;
                }
            });

    public CallerGuardrails(GuardrailFactory factory) {
        this.factory = factory;
    }

    @Override
    public List<GuardrailStep> of(Exchange exchange) {
        VirtualKey key = exchange.getVariable(Variables.VIRTUAL_KEY, VirtualKey.class);
        Tenant tenant = exchange.getVariable(Variables.TENANT_PROFILE, Tenant.class);
        List<GuardrailStep> keys = key == null ? List.of() : steps(key.guardrails(), "key " + key.id());
        List<GuardrailStep> tenants = tenant == null ? List.of() : steps(tenant.guardrails(), "tenant " + tenant.id());
        if (tenants.isEmpty()) {
            return keys;
        }
        if (keys.isEmpty()) {
            return tenants;
        }
        List<GuardrailStep> both = new ArrayList<>(keys);
        both.addAll(tenants);
        return both;
    }

    private List<GuardrailStep> steps(ArrayNode guardrails, String owner) {
        if (guardrails == null || guardrails.isEmpty()) {
            return List.of();
        }
        List<GuardrailStep> steps = made.get(guardrails);
        if (steps == null) {
            try {
                steps = List.copyOf(factory.fromJson(guardrails));
            } catch (IllegalArgumentException e) {
                LOG.warn("The guardrails of {} cannot run and are skipped: {}", owner, e.getMessage());
                steps = List.of();
            }
            made.put(guardrails, steps);
        }
        return steps;
    }
}
