package caravan.processors.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.keys.Budget;
import caravan.keys.BudgetPeriod;
import caravan.keys.KeyRegistry;
import caravan.keys.KeySecrets;
import caravan.keys.KeyStore;
import caravan.keys.Limits;
import caravan.keys.TenantIds;
import caravan.keys.VirtualKey;
import caravan.limits.Budgets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

/**
 * {@code /admin/keys}: create, list, read, change and revoke virtual keys. The secret is made here, shown
 * in the create answer once and stored only as its digest; every other answer shows its first 8
 * characters. A write is in force on this instance's next request (the registry is reloaded before the
 * answer) and on every other instance within the registry's polling interval.
 */
public final class KeysAdmin {

    static final Set<String> CREATE_FIELDS = Set.of("name", "tenant", "team", "user", "models", "rpm", "tpm",
            "max_parallel", "user_rpm", "user_tpm", "budget_usd", "budget_period", "expires_at", "ttl_s", "metadata",
            "cache_control", "guardrails");
    static final Set<String> PATCH_FIELDS = Set.of("name", "team", "user", "models", "rpm", "tpm", "max_parallel",
            "user_rpm", "user_tpm", "budget_usd", "budget_period", "expires_at", "ttl_s", "metadata", "cache_control",
            "guardrails");

    private final KeyStore store;
    private final KeyRegistry registry;
    private final Function<String, String> digest;
    private final Budgets budgets;
    private final Clock clock;
    private final Consumer<JsonNode> guardrailCheck;

    /** @param guardrailCheck refuses (IllegalArgumentException) a {@code guardrails} array the gateway cannot run */
    public KeysAdmin(KeyStore store, KeyRegistry registry, Function<String, String> digest, Budgets budgets, Clock clock,
                     Consumer<JsonNode> guardrailCheck) {
        this.store = store;
        this.registry = registry;
        this.digest = digest;
        this.budgets = budgets;
        this.clock = clock;
        this.guardrailCheck = guardrailCheck;
    }

    public AdminOperation.Answer create(Exchange exchange) {
        AdminFields fields = AdminFields.of(exchange.getMessage().getBody(byte[].class), CREATE_FIELDS);
        String tenant = fields.text("tenant");
        if (tenant == null) {
            throw AdminFields.invalid("tenant", "is required: the tenant the key belongs to");
        }
        TenantIds.check(tenant, "tenant");
        Instant now = clock.instant();
        String secret = KeySecrets.newSecret();
        VirtualKey key = new VirtualKey(KeySecrets.newId(), digest.apply(secret), KeySecrets.shown(secret),
                fields.text("name"), tenant, fields.text("team"), fields.text("user"), fields.names("models"),
                limits(fields, Limits.NONE), budget(fields, Budget.NONE), expiry(fields, null, now),
                metadata(fields, null), now, now, null, cacheControl(fields, true),
                fields.guardrails("guardrails", guardrailCheck));
        String actor = AdminOperation.actor(exchange);
        store.ensureTenant(tenant, now, actor);
        store.insertKey(key, actor);
        registry.reload();
        ObjectNode answer = describe(key, now);
        answer.put("key", secret);
        return new AdminOperation.Answer(201, answer);
    }

    public AdminOperation.Answer list(Exchange exchange) {
        String tenant = AdminQuery.parameter(exchange, "tenant");
        Instant now = clock.instant();
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (VirtualKey key : store.keys()) {
            if (tenant == null || tenant.equals(key.tenant())) {
                data.add(describe(key, now));
            }
        }
        return new AdminOperation.Answer(200, list);
    }

    public AdminOperation.Answer get(Exchange exchange) {
        return new AdminOperation.Answer(200, describe(existing(exchange), clock.instant()));
    }

    public AdminOperation.Answer update(Exchange exchange) {
        AdminFields fields = AdminFields.of(exchange.getMessage().getBody(byte[].class), PATCH_FIELDS);
        VirtualKey key = existing(exchange);
        Instant now = clock.instant();
        VirtualKey changed = new VirtualKey(key.id(), key.digest(), key.prefix(),
                fields.has("name") ? fields.text("name") : key.name(), key.tenant(),
                fields.has("team") ? fields.text("team") : key.team(),
                fields.has("user") ? fields.text("user") : key.user(),
                fields.has("models") ? fields.names("models") : key.models(),
                limits(fields, key.limits()), budget(fields, key.budget()), expiry(fields, key.expiresAt(), now),
                metadata(fields, key.metadata()), key.createdAt(), now, key.revokedAt(),
                cacheControl(fields, key.cacheControl()),
                fields.has("guardrails") ? fields.guardrails("guardrails", guardrailCheck) : key.guardrails());
        if (!store.updateKey(changed, AdminOperation.actor(exchange))) {
            throw unknown(key.id());
        }
        registry.reload();
        return new AdminOperation.Answer(200, describe(changed, now));
    }

    public AdminOperation.Answer revoke(Exchange exchange) {
        VirtualKey key = existing(exchange);
        Instant now = clock.instant();
        store.revokeKey(key.id(), now, AdminOperation.actor(exchange));
        registry.reload();
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("id", key.id()).put("object", "virtual_key.deleted").put("deleted", true);
        return new AdminOperation.Answer(200, answer);
    }

    private VirtualKey existing(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        return store.key(id).orElseThrow(() -> unknown(id));
    }

    private static GatewayException unknown(String id) {
        return GatewayException.notFound("No key with id '" + id + "'.", "id", "key_not_found");
    }

    /** A key as the admin API shows it: never the secret, only its first characters; with this period's spend. */
    ObjectNode describe(VirtualKey key, Instant now) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("id", key.id());
        json.put("object", "virtual_key");
        json.put("key_prefix", key.prefix());
        json.put("name", key.name());
        json.put("tenant", key.tenant());
        json.put("team", key.team());
        json.put("user", key.user());
        ArrayNode models = json.putArray("models");
        key.models().forEach(models::add);
        AdminJson.limits(json, key.limits());
        AdminJson.budget(json, key.budget(), budgets.spentNow(Budgets.account("key", key.id(), key.budget(), now)), now);
        json.put("expires_at", AdminJson.time(key.expiresAt()));
        json.set("metadata", key.metadata() == null ? Json.MAPPER.createObjectNode() : key.metadata());
        json.put("cache_control", key.cacheControl());
        json.set("guardrails", key.guardrails());
        json.put("status", key.revokedAt() != null ? "revoked" : key.live(now) ? "active" : "expired");
        json.put("created_at", AdminJson.time(key.createdAt()));
        json.put("updated_at", AdminJson.time(key.updatedAt()));
        json.put("revoked_at", AdminJson.time(key.revokedAt()));
        return json;
    }

    /** Whether the key's calls may steer the response cache; {@code null} (or absent) keeps {@code current}. */
    private static boolean cacheControl(AdminFields fields, boolean current) {
        Boolean given = fields.flag("cache_control");
        return given == null ? current : given;
    }

    static Limits limits(AdminFields fields, Limits current) {
        return new Limits(
                fields.has("rpm") ? fields.limit("rpm") : current.rpm(),
                fields.has("tpm") ? fields.limit("tpm") : current.tpm(),
                fields.has("max_parallel") ? fields.smallLimit("max_parallel") : current.maxParallel(),
                fields.has("user_rpm") ? fields.limit("user_rpm") : current.userRpm(),
                fields.has("user_tpm") ? fields.limit("user_tpm") : current.userTpm());
    }

    static Budget budget(AdminFields fields, Budget current) {
        BudgetPeriod period = fields.has("budget_period") ? fields.period("budget_period") : current.period();
        return new Budget(fields.has("budget_usd") ? fields.usd("budget_usd") : current.usd(), period);
    }

    private static Instant expiry(AdminFields fields, Instant current, Instant now) {
        if (fields.has("expires_at") && fields.has("ttl_s")) {
            throw AdminFields.invalid("ttl_s", "cannot be given with expires_at (give one of them)");
        }
        if (fields.has("ttl_s")) {
            Long ttl = fields.limit("ttl_s");
            return ttl == null ? null : now.plusSeconds(ttl);
        }
        return fields.has("expires_at") ? fields.instant("expires_at") : current;
    }

    static ObjectNode metadata(AdminFields fields, ObjectNode current) {
        if (!fields.has("metadata")) {
            return current == null ? Json.MAPPER.createObjectNode() : current;
        }
        ObjectNode given = fields.object("metadata");
        return given == null ? Json.MAPPER.createObjectNode() : given.deepCopy();
    }

}
