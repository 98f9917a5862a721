package caravan.processors.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.ProviderAccount;
import caravan.catalog.ProviderRoutes;
import caravan.keys.KeyRegistry;
import caravan.keys.KeyStore;
import caravan.keys.Limits;
import caravan.keys.Tenant;
import caravan.keys.TenantIds;
import caravan.limits.Budgets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * {@code /admin/tenants}: tenant-wide limits and budget, and the tenant's own provider accounts
 * ({@code providers: {"openai": {"api_key", "base_url"}}}), which are sealed in the store and never
 * returned: an answer says only which providers have an account and at which base URL. Deleting a tenant
 * revokes its keys.
 */
public final class TenantsAdmin {

    static final Set<String> CREATE_FIELDS = Set.of("id", "rpm", "tpm", "max_parallel", "user_rpm", "user_tpm",
            "budget_usd", "budget_period", "providers", "metadata", "guardrails");
    static final Set<String> PATCH_FIELDS = Set.of("rpm", "tpm", "max_parallel", "user_rpm", "user_tpm",
            "budget_usd", "budget_period", "providers", "metadata", "guardrails");
    private static final Set<String> ACCOUNT_FIELDS = Set.of("api_key", "base_url");

    private final KeyStore store;
    private final KeyRegistry registry;
    private final Budgets budgets;
    private final Clock clock;
    private final Consumer<JsonNode> guardrailCheck;

    /** @param guardrailCheck refuses (IllegalArgumentException) a {@code guardrails} array the gateway cannot run */
    public TenantsAdmin(KeyStore store, KeyRegistry registry, Budgets budgets, Clock clock, Consumer<JsonNode> guardrailCheck) {
        this.store = store;
        this.registry = registry;
        this.budgets = budgets;
        this.clock = clock;
        this.guardrailCheck = guardrailCheck;
    }

    public AdminOperation.Answer create(Exchange exchange) {
        AdminFields fields = AdminFields.of(exchange.getMessage().getBody(byte[].class), CREATE_FIELDS);
        String id = fields.text("id");
        if (id == null) {
            throw AdminFields.invalid("id", "is required");
        }
        TenantIds.check(id, "id");
        Instant now = clock.instant();
        Tenant tenant = new Tenant(id, KeysAdmin.limits(fields, Limits.NONE), KeysAdmin.budget(fields, caravan.keys.Budget.NONE),
                providers(fields, Map.of(), exchange.getContext()), KeysAdmin.metadata(fields, null), now, now,
                fields.guardrails("guardrails", guardrailCheck));
        if (store.tenant(id).isPresent()) {
            throw new GatewayException(409, caravan.api.ErrorType.INVALID_REQUEST, "tenant_exists", "id",
                    "A tenant with id '" + id + "' exists; PATCH /admin/tenants/" + id + " changes it.");
        }
        store.insertTenant(tenant, AdminOperation.actor(exchange));
        registry.reload();
        return new AdminOperation.Answer(201, describe(tenant, now));
    }

    public AdminOperation.Answer list(Exchange exchange) {
        Instant now = clock.instant();
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (Tenant tenant : store.tenants()) {
            data.add(describe(tenant, now));
        }
        return new AdminOperation.Answer(200, list);
    }

    public AdminOperation.Answer get(Exchange exchange) {
        return new AdminOperation.Answer(200, describe(existing(exchange), clock.instant()));
    }

    public AdminOperation.Answer update(Exchange exchange) {
        AdminFields fields = AdminFields.of(exchange.getMessage().getBody(byte[].class), PATCH_FIELDS);
        Tenant tenant = existing(exchange);
        Instant now = clock.instant();
        Tenant changed = new Tenant(tenant.id(), KeysAdmin.limits(fields, tenant.limits()),
                KeysAdmin.budget(fields, tenant.budget()), providers(fields, tenant.providers(), exchange.getContext()),
                KeysAdmin.metadata(fields, tenant.metadata()), tenant.createdAt(), now,
                fields.has("guardrails") ? fields.guardrails("guardrails", guardrailCheck) : tenant.guardrails());
        if (!store.updateTenant(changed, AdminOperation.actor(exchange))) {
            throw unknown(tenant.id());
        }
        registry.reload();
        return new AdminOperation.Answer(200, describe(changed, now));
    }

    public AdminOperation.Answer delete(Exchange exchange) {
        Tenant tenant = existing(exchange);
        store.deleteTenant(tenant.id(), clock.instant(), AdminOperation.actor(exchange));
        registry.reload();
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("id", tenant.id()).put("object", "tenant.deleted").put("deleted", true);
        return new AdminOperation.Answer(200, answer);
    }

    private Tenant existing(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        return store.tenant(id).orElseThrow(() -> unknown(id));
    }

    private static GatewayException unknown(String id) {
        return GatewayException.notFound("No tenant with id '" + id + "'.", "id", "tenant_not_found");
    }

    /** A tenant as the admin API shows it: its provider accounts by name and base URL, never their keys. */
    private ObjectNode describe(Tenant tenant, Instant now) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("id", tenant.id());
        json.put("object", "tenant");
        AdminJson.limits(json, tenant.limits());
        AdminJson.budget(json, tenant.budget(), budgets.spentNow(Budgets.account("tenant", tenant.id(), tenant.budget(), now)), now);
        ObjectNode providers = json.putObject("providers");
        tenant.providers().forEach((name, account) -> providers.putObject(name)
                .put("api_key_set", account.apiKey() != null)
                .put("base_url", account.baseUrl()));
        json.set("metadata", tenant.metadata() == null ? Json.MAPPER.createObjectNode() : tenant.metadata());
        json.set("guardrails", tenant.guardrails());
        json.put("created_at", AdminJson.time(tenant.createdAt()));
        json.put("updated_at", AdminJson.time(tenant.updatedAt()));
        return json;
    }

    /**
     * The tenant's provider accounts after this request: each provider named is replaced ({@code null}
     * removes it), the others stay. A provider this gateway has no route for is refused.
     */
    private static Map<String, ProviderAccount> providers(AdminFields fields, Map<String, ProviderAccount> current,
                                                          CamelContext context) {
        ObjectNode given = fields.object("providers");
        if (given == null) {
            return fields.has("providers") ? Map.of() : current;
        }
        Collection<String> known = ProviderRoutes.names(context);
        Map<String, ProviderAccount> accounts = new LinkedHashMap<>(current);
        for (Iterator<Map.Entry<String, JsonNode>> entries = given.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String name = entry.getKey();
            String param = "providers." + name;
            if (!known.contains(name)) {
                throw AdminFields.invalid(param, "names no provider of this gateway (it has: " + String.join(", ", known) + ")");
            }
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                accounts.remove(name);
                continue;
            }
            if (!value.isObject()) {
                throw AdminFields.invalid(param, "must be an object with api_key and/or base_url");
            }
            for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!ACCOUNT_FIELDS.contains(field)) {
                    throw AdminFields.invalid(param + "." + field, "is not a field of a provider account (api_key, base_url)");
                }
            }
            String apiKey = text(value, param + ".api_key");
            String baseUrl = text(value, param + ".base_url");
            if (baseUrl != null && !baseUrl.startsWith("https://") && !baseUrl.startsWith("http://")) {
                throw AdminFields.invalid(param + ".base_url", "must be an http:// or https:// URL");
            }
            if (apiKey == null && baseUrl == null) {
                throw AdminFields.invalid(param, "must give api_key, base_url or both");
            }
            accounts.put(name, new ProviderAccount(apiKey, baseUrl));
        }
        return accounts;
    }

    private static String text(JsonNode account, String param) {
        JsonNode value = account.get(param.substring(param.lastIndexOf('.') + 1));
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank() || value.textValue().length() > 4096) {
            throw AdminFields.invalid(param, "must be a non-empty string");
        }
        return value.textValue().trim();
    }
}
