package caravan.keys;

import java.time.Instant;
import java.util.List;

import caravan.api.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A key the admin handed to an application: who it belongs to, what it may call, its limits and its budget.
 * The secret itself is never kept, only its HMAC digest; {@code prefix} is its first 8 characters, which
 * is all the admin API ever shows of it.
 *
 * @param models    provider/model names, globs ({@code openai/*}) or named routes it may call; empty: all
 * @param expiresAt when it stops opening anything, or null
 * @param metadata  the admin's attributes of the key (trusted: policies may route on them); never null
 * @param revokedAt when it was revoked, or null while it is live
 * @param cacheControl whether its calls may steer the response cache ({@code Cache-Control: no-cache, no-store},
 *                  {@code x-caravan-cache-ttl}); when false those headers are ignored and its calls are cached
 *                  as the route says
 * @param guardrails the guardrails every call with it is also checked by, as the admin wrote them
 *                   ({@code ["pii:redact", {"name":"banned","terms":[...]}]}); never null
 */
public record VirtualKey(String id, String digest, String prefix, String name, String tenant, String team, String user,
                         List<String> models, Limits limits, Budget budget, Instant expiresAt, ObjectNode metadata,
                         Instant createdAt, Instant updatedAt, Instant revokedAt, boolean cacheControl,
                         ArrayNode guardrails) {

    public VirtualKey {
        models = models == null ? List.of() : List.copyOf(models);
        limits = limits == null ? Limits.NONE : limits;
        budget = budget == null ? Budget.NONE : budget;
        guardrails = guardrails == null ? Json.MAPPER.createArrayNode() : guardrails;
    }

    /** A key with no guardrails of its own. */
    public VirtualKey(String id, String digest, String prefix, String name, String tenant, String team, String user,
                      List<String> models, Limits limits, Budget budget, Instant expiresAt, ObjectNode metadata,
                      Instant createdAt, Instant updatedAt, Instant revokedAt, boolean cacheControl) {
        this(id, digest, prefix, name, tenant, team, user, models, limits, budget, expiresAt, metadata, createdAt, updatedAt,
                revokedAt, cacheControl, null);
    }

    /** A key whose calls may steer the response cache (the default), with no guardrails of its own. */
    public VirtualKey(String id, String digest, String prefix, String name, String tenant, String team, String user,
                      List<String> models, Limits limits, Budget budget, Instant expiresAt, ObjectNode metadata,
                      Instant createdAt, Instant updatedAt, Instant revokedAt) {
        this(id, digest, prefix, name, tenant, team, user, models, limits, budget, expiresAt, metadata, createdAt,
                updatedAt, revokedAt, true);
    }

    /** Whether it opens anything at {@code now}: not revoked and not expired. */
    public boolean live(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /**
     * The text of the admin's attribute {@code field} of this key (a number or a boolean as written), or null
     * when it has none or it is not a single value. For Simple, which cannot index a Jackson object:
     * {@code ${variable.virtualKey?.attribute('plan')} == 'paid'}.
     */
    public String attribute(String field) {
        return Attributes.text(metadata, field);
    }

    @Override
    public String toString() {
        return "VirtualKey[id=" + id + ", tenant=" + tenant + ", prefix=" + prefix + "]";
    }
}
