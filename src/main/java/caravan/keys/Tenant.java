package caravan.keys;

import java.time.Instant;
import java.util.Map;

import caravan.api.ProviderAccount;
import caravan.api.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A tenant: the owner of keys, with limits and a budget that all its keys share, and its own provider
 * accounts (kept sealed with AES-GCM in the store; open here, in memory only).
 *
 * @param providers provider name ({@code openai}) to the tenant's account there; never null
 * @param metadata  the admin's attributes of the tenant (trusted); never null
 * @param guardrails the guardrails every call of the tenant's keys is also checked by, as the admin wrote them; never null
 */
public record Tenant(String id, Limits limits, Budget budget, Map<String, ProviderAccount> providers,
                     ObjectNode metadata, Instant createdAt, Instant updatedAt, ArrayNode guardrails) {

    public Tenant {
        limits = limits == null ? Limits.NONE : limits;
        budget = budget == null ? Budget.NONE : budget;
        providers = providers == null ? Map.of() : Map.copyOf(providers);
        guardrails = guardrails == null ? Json.MAPPER.createArrayNode() : guardrails;
    }

    /** A tenant with no guardrails of its own. */
    public Tenant(String id, Limits limits, Budget budget, Map<String, ProviderAccount> providers, ObjectNode metadata,
                  Instant createdAt, Instant updatedAt) {
        this(id, limits, budget, providers, metadata, createdAt, updatedAt, null);
    }

    /**
     * The text of the admin's attribute {@code field} of this tenant (a number or a boolean as written), or null
     * when it has none or it is not a single value. For Simple, which cannot index a Jackson object:
     * {@code ${variable.tenantProfile?.attribute('plan')} == 'paid'}.
     */
    public String attribute(String field) {
        return Attributes.text(metadata, field);
    }

    @Override
    public String toString() {
        return "Tenant[id=" + id + ", providers=" + providers.keySet() + "]";
    }
}
