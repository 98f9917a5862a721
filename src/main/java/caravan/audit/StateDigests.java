package caravan.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import caravan.api.Json;
import caravan.api.ProviderAccount;
import caravan.keys.Budget;
import caravan.keys.Limits;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The digests the audit log keeps of what an object is after a change: SHA-256 (lowercase hex) of a file's
 * bytes, or of the canonical JSON of a key's or tenant's state (fields in name order at every depth, no
 * spaces, instants to the millisecond as the store keeps them). The state is what the admin set: limits,
 * budget, scope, expiry, revocation, metadata and guardrails. It holds no secret: neither a key's secret nor its stored
 * digest, and a tenant's provider keys only as a keyed fingerprint, so the digest changes when a key is
 * rotated but cannot be used to guess one.
 */
public final class StateDigests {

    private final UnaryOperator<String> secretFingerprint;

    /** @param secretFingerprint a keyed fingerprint of a secret value ({@link AuditChain#fingerprint}) */
    public StateDigests(UnaryOperator<String> secretFingerprint) {
        this.secretFingerprint = secretFingerprint;
    }

    public String key(VirtualKey key) {
        ObjectNode state = Json.MAPPER.createObjectNode();
        state.put("id", key.id());
        state.put("name", key.name());
        state.put("tenant", key.tenant());
        state.put("team", key.team());
        state.put("user", key.user());
        ArrayNode models = state.putArray("models");
        key.models().forEach(models::add);
        limitsAndBudget(state, key.limits(), key.budget());
        state.put("expires_at", time(key.expiresAt()));
        state.set("metadata", metadata(key.metadata()));
        state.put("revoked_at", time(key.revokedAt()));
        guardrails(state, key.guardrails());
        return sha256(canonical(state));
    }

    public String tenant(Tenant tenant) {
        ObjectNode state = Json.MAPPER.createObjectNode();
        state.put("id", tenant.id());
        limitsAndBudget(state, tenant.limits(), tenant.budget());
        ObjectNode providers = state.putObject("providers");
        for (Map.Entry<String, ProviderAccount> account : tenant.providers().entrySet()) {
            ProviderAccount value = account.getValue();
            providers.putObject(account.getKey())
                    .put("api_key", value.apiKey() == null ? null : secretFingerprint.apply(value.apiKey()))
                    .put("base_url", value.baseUrl());
        }
        state.set("metadata", metadata(tenant.metadata()));
        guardrails(state, tenant.guardrails());
        return sha256(canonical(state));
    }

    /** The digest of a file's bytes as they are read: what {@code sha256sum} prints for it. */
    public static String file(InputStream content) throws IOException {
        MessageDigest digest = sha256();
        try (DigestInputStream in = new DigestInputStream(content, digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The JSON text of {@code node} with every object's fields in name order, without spaces. */
    static byte[] canonical(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(sorted(node));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node == null) {
            return Json.MAPPER.nullNode();
        }
        if (node.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                fields.put(field.getKey(), sorted(field.getValue()));
            }
            ObjectNode copy = Json.MAPPER.createObjectNode();
            fields.forEach(copy::set);
            return copy;
        }
        if (node.isArray()) {
            List<JsonNode> items = new ArrayList<>(node.size());
            node.forEach(item -> items.add(sorted(item)));
            return Json.MAPPER.createArrayNode().addAll(items);
        }
        return node;
    }

    private static void limitsAndBudget(ObjectNode state, Limits limits, Budget budget) {
        state.put("rpm", limits.rpm());
        state.put("tpm", limits.tpm());
        state.put("max_parallel", limits.maxParallel());
        state.put("user_rpm", limits.userRpm());
        state.put("user_tpm", limits.userTpm());
        // as text, to the nano-dollar as the store keeps it: 50, 50.0 and 50.000000000 are the same budget
        BigDecimal usd = budget.usd();
        state.put("budget_usd", usd == null ? null
                : usd.setScale(9, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString());
        state.put("budget_period", budget.period().wireName());
    }

    /**
     * A key's or tenant's guardrails are policy the admin set, so they are part of its state; none leaves the
     * state as it was before guardrails existed, so earlier records still digest the same.
     */
    private static void guardrails(ObjectNode state, ArrayNode guardrails) {
        if (guardrails != null && !guardrails.isEmpty()) {
            state.set("guardrails", guardrails);
        }
    }

    /** No metadata is stored as an empty object: the state read back must digest the same as the state written. */
    private static JsonNode metadata(ObjectNode metadata) {
        return metadata == null ? Json.MAPPER.createObjectNode() : metadata;
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }
}
