package caravan.processors.admin;

import java.util.List;

import caravan.api.Json;
import caravan.audit.AuditLog;
import caravan.audit.AuditRecord;
import caravan.audit.Verification;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

/**
 * {@code /admin/audit}: the audit log oldest first, a page at a time ({@code ?after=<seq>&limit=}), and
 * {@code /admin/audit/verify}: whether every record is still as it was written.
 */
public final class AuditAdmin {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final AuditLog log;

    public AuditAdmin(AuditLog log) {
        this.log = log;
    }

    public AdminOperation.Answer list(Exchange exchange) {
        long after = number(exchange, "after", 0, Long.MAX_VALUE, 0);
        int limit = (int) number(exchange, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        // one more than asked for says whether another page follows
        List<AuditRecord> records = log.page(after, limit + 1);
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        records.stream().limit(limit).forEach(record -> data.addObject()
                .put("seq", record.seq())
                .put("time", record.at().toString())
                .put("actor", record.actor())
                .put("action", record.action())
                .put("object", record.object())
                .put("digest", record.digest())
                .put("mac", record.mac()));
        list.put("has_more", records.size() > limit);
        return new AdminOperation.Answer(200, list);
    }

    public AdminOperation.Answer verify(Exchange exchange) {
        Verification verification = log.verify();
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("ok", verification.ok());
        answer.put("records", verification.records());
        if (!verification.ok()) {
            answer.put("first_bad_seq", verification.firstBadSeq());
            answer.put("reason", verification.reason());
            answer.put("message", verification.message());
        }
        return new AdminOperation.Answer(200, answer);
    }

    /** A whole number query parameter within bounds, or {@code fallback} when it is absent: anything else is a 400 naming it. */
    private static long number(Exchange exchange, String name, long min, long max, long fallback) {
        String value = AdminQuery.parameter(exchange, name);
        if (value == null) {
            return fallback;
        }
        long number;
        try {
            number = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw AdminFields.invalid(name, "must be a whole number");
        }
        if (number < min || number > max) {
            throw AdminFields.invalid(name, max == Long.MAX_VALUE ? "must be at least " + min
                    : "must be from " + min + " to " + max);
        }
        return number;
    }
}
