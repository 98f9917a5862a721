package caravan.processors.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.keys.BudgetPeriod;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One admin request body, read field by field with the checks the admin API promises: an unknown field, a
 * field of the wrong type, a negative limit or an unreadable date is a 400 naming the field in
 * {@code error.param} and in the message. {@code null} is a value too (in a PATCH it removes a setting).
 */
final class AdminFields {

    private final ObjectNode body;

    private AdminFields(ObjectNode body) {
        this.body = body;
    }

    /** @param allowed the fields this operation takes; anything else is refused */
    static AdminFields of(byte[] bytes, Set<String> allowed) {
        ObjectNode body = bytes == null || bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.objectOrNull(bytes);
        if (body == null) {
            throw GatewayException.badRequest("The body must be a JSON object.", null, "invalid_json");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw invalid(name, "is not a field of this request (it takes: " + String.join(", ", sorted(allowed)) + ")");
            }
        }
        return new AdminFields(body);
    }

    boolean has(String field) {
        return body.has(field);
    }

    String text(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(field, "must be a string");
        }
        String text = value.textValue().trim();
        if (text.length() > 256) {
            throw invalid(field, "must be at most 256 characters");
        }
        return text.isEmpty() ? null : text;
    }

    /** A true or false, or null when absent or null. */
    Boolean flag(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw invalid(field, "must be true or false");
        }
        return value.booleanValue();
    }

    /**
     * The largest per-minute limit: a bucket refills continuously, and above this (about a billion a
     * second) the in-memory bucket cannot count finely enough.
     */
    static final long MAX_LIMIT = 10_000_000_000L;

    /** A limit: a whole number of at least 1 and at most {@link #MAX_LIMIT}, or null (no limit). */
    Long limit(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw invalid(field, "must be a whole number");
        }
        if (value.asLong() < 1) {
            throw invalid(field, "must be at least 1 (leave it out, or null, for no limit)");
        }
        if (value.asLong() > MAX_LIMIT) {
            throw invalid(field, "must be at most " + MAX_LIMIT + " (leave it out, or null, for no limit)");
        }
        return value.asLong();
    }

    Integer smallLimit(String field) {
        Long limit = limit(field);
        if (limit != null && limit > Integer.MAX_VALUE) {
            throw invalid(field, "is too large");
        }
        return limit == null ? null : limit.intValue();
    }

    /** US dollars: a number of at least 0 with at most 9 decimals, or null (no budget). */
    BigDecimal usd(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw invalid(field, "must be a number (US dollars)");
        }
        BigDecimal usd = value.decimalValue();
        if (usd.signum() < 0) {
            throw invalid(field, "must not be negative");
        }
        if (usd.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0 || usd.stripTrailingZeros().scale() > 9) {
            throw invalid(field, "must be at most 1e9 with at most 9 decimals");
        }
        return usd;
    }

    BudgetPeriod period(String field) {
        String name = text(field);
        if (name == null) {
            return null;
        }
        BudgetPeriod period = BudgetPeriod.of(name);
        if (period == null) {
            throw invalid(field, "must be one of day, month, total");
        }
        return period;
    }

    /** An ISO-8601 instant ({@code 2027-01-31T00:00:00Z}), or null. */
    Instant instant(String field) {
        String text = text(field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(field, "must be an ISO-8601 date and time in UTC, e.g. 2027-01-31T00:00:00Z");
        }
    }

    List<String> names(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw invalid(field, "must be an array of strings");
        }
        List<String> names = new ArrayList<>(value.size());
        for (JsonNode name : value) {
            if (!name.isTextual() || name.textValue().isBlank() || name.textValue().length() > 256) {
                throw invalid(field, "must hold model names, globs or route names (non-empty strings)");
            }
            names.add(name.textValue().trim());
        }
        return names;
    }

    ObjectNode object(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw invalid(field, "must be a JSON object");
        }
        if (value.toString().length() > 16 * 1024) {
            throw invalid(field, "must be at most 16 KiB");
        }
        return (ObjectNode) value;
    }

    /**
     * A key's or tenant's {@code guardrails}: an array of {@code "name:action[:stage]"} texts or objects with a
     * {@code name} and options, each checked by {@code check} (the guardrail factory: an unknown guardrail or
     * setting is a 400 naming the problem); null for none.
     */
    ArrayNode guardrails(String field, Consumer<JsonNode> check) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw invalid(field, "must be an array of \"name:action[:stage]\" texts or objects with a name");
        }
        if (value.toString().length() > 16 * 1024) {
            throw invalid(field, "must be at most 16 KiB");
        }
        try {
            check.accept(value);
        } catch (IllegalArgumentException e) {
            throw invalid(field, "is not a guardrail set this gateway can run (" + e.getMessage() + ")");
        }
        return (ArrayNode) value.deepCopy();
    }

    static GatewayException invalid(String field, String problem) {
        return GatewayException.badRequest("Invalid '" + field + "': it " + problem + ".", field, "invalid_value");
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

}
