package caravan.processors.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import caravan.api.Caller;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Variables;
import caravan.ledger.UsageDimension;
import caravan.ledger.UsageQuery;
import caravan.ledger.UsageReport;
import caravan.ledger.UsageRow;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.camel.Exchange;

/**
 * Usage from the ledger, summed per group: {@code GET /admin/usage} (the master key: everyone's, or one
 * tenant's) and {@code GET /v1/caravan/usage} (any caller: only the calls made with its own key). Both take
 * {@code group_by} (a comma-separated list of {@link UsageDimension} names), {@code from} (inclusive) and
 * {@code to} (exclusive), each a UTC date ({@code 2026-01-31}, its midnight) or an instant
 * ({@code 2026-01-31T12:00:00Z}); the admin's also {@code tenant}. A bad parameter is a 400 naming it.
 *
 * <p>The answer is {@code {"data":[{"group":{...},"requests",...}]}}, or, when the caller accepts
 * {@code text/csv}, the same as CSV: the group's fields first, then the sums, under one header row.
 */
public final class UsageReports {

    private static final Set<String> ADMIN_PARAMETERS = Set.of("group_by", "from", "to", "tenant");
    private static final Set<String> OWN_PARAMETERS = Set.of("group_by", "from", "to");
    private static final List<String> SUMS = List.of("requests", "errors", "input_tokens", "output_tokens",
            "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "cost_usd", "latency_p50_ms", "latency_p95_ms");
    private static final String CSV = "text/csv";

    private final UsageReport report;

    public UsageReports(UsageReport report) {
        this.report = report;
    }

    /** {@code GET /admin/usage}: everyone's usage, or one tenant's; one total unless {@code group_by} says otherwise. */
    public AdminOperation.Answer everyone(Exchange exchange) {
        Map<String, String> parameters = AdminQuery.parameters(exchange, ADMIN_PARAMETERS);
        String tenant = parameters.get("tenant");
        return answer(exchange, query(parameters, List.of(), tenant == null || tenant.isEmpty() ? null : tenant, null));
    }

    /**
     * {@code GET /v1/caravan/usage}: the caller's own usage, per model unless {@code group_by} says otherwise.
     * Whose it is comes from the key the caller presented, never from a parameter.
     */
    public AdminOperation.Answer own(Exchange exchange) {
        Map<String, String> parameters = AdminQuery.parameters(exchange, OWN_PARAMETERS);
        Caller caller = exchange.getVariable(Variables.CALLER, Caller.class);
        UsageQuery.Owner owner = new UsageQuery.Owner(caller == null ? null : caller.keyId());
        return answer(exchange, query(parameters, List.of(UsageDimension.MODEL), null, owner));
    }

    private AdminOperation.Answer answer(Exchange exchange, UsageQuery query) {
        List<UsageRow> rows;
        try {
            rows = report.run(query, true);
        } catch (UsageReport.TooManyGroups e) {
            throw GatewayException.badRequest("The answer would have more than " + UsageReport.MAX_GROUPS + " groups:"
                    + " narrow 'from' and 'to', or group by fewer fields.", "group_by", "too_many_groups");
        }
        String accept = exchange.getMessage().getHeader("Accept", String.class);
        if (accept != null && accept.toLowerCase(Locale.ROOT).contains(CSV)) {
            return AdminOperation.Answer.written(200, CSV + "; charset=utf-8", csv(query.groupBy(), rows));
        }
        return AdminOperation.Answer.written(200, "application/json", json(query.groupBy(), rows));
    }

    private static UsageQuery query(Map<String, String> parameters, List<UsageDimension> defaultGroups, String tenant,
                                    UsageQuery.Owner owner) {
        String groupBy = parameters.get("group_by");
        List<UsageDimension> groups = groupBy == null ? defaultGroups : dimensions(groupBy);
        Instant from = instant(parameters.get("from"), "from");
        Instant to = instant(parameters.get("to"), "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw AdminFields.invalid("to", "must come after 'from' (" + from + ")");
        }
        return new UsageQuery(groups, from, to, tenant, owner);
    }

    private static List<UsageDimension> dimensions(String groupBy) {
        List<UsageDimension> dimensions = new ArrayList<>();
        if (groupBy.isBlank()) {
            return dimensions;
        }
        for (String name : groupBy.split(",", -1)) {
            UsageDimension dimension = UsageDimension.named(name.trim());
            if (dimension == null) {
                throw AdminFields.invalid("group_by", "names '" + name.trim() + "', which is not one of "
                        + UsageDimension.names());
            }
            if (dimensions.contains(dimension)) {
                throw AdminFields.invalid("group_by", "names '" + dimension.wireName() + "' twice");
            }
            dimensions.add(dimension);
        }
        return dimensions;
    }

    /** A UTC date (its midnight), an instant, or a date and time with an offset; null when not given. */
    private static Instant instant(String text, String parameter) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw AdminFields.invalid(parameter, "must be a date (2026-01-31, from its midnight UTC) or an instant"
                    + " (2026-01-31T12:00:00Z)");
        }
    }

    private static byte[] json(List<UsageDimension> groupBy, List<UsageRow> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + rows.size() * 320);
        try (JsonGenerator json = Json.FACTORY.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (UsageRow row : rows) {
                json.writeStartObject();
                json.writeObjectFieldStart("group");
                for (int i = 0; i < groupBy.size(); i++) {
                    json.writeStringField(groupBy.get(i).wireName(), row.group().get(i));
                }
                json.writeEndObject();
                json.writeNumberField("requests", row.requests());
                json.writeNumberField("errors", row.errors());
                json.writeNumberField("input_tokens", row.inputTokens());
                json.writeNumberField("output_tokens", row.outputTokens());
                json.writeNumberField("cache_read_tokens", row.cacheReadTokens());
                json.writeNumberField("cache_write_tokens", row.cacheWriteTokens());
                json.writeNumberField("reasoning_tokens", row.reasoningTokens());
                json.writeNumberField("cost_usd", row.costUsd());
                json.writeNumberField("latency_p50_ms", millis(row.latencyP50Us()));
                json.writeNumberField("latency_p95_ms", millis(row.latencyP95Us()));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into memory: never
        }
        return bytes.toByteArray();
    }

    /** RFC 4180: one header row, fields quoted when they hold a comma, a quote or a line break. */
    private static byte[] csv(List<UsageDimension> groupBy, List<UsageRow> rows) {
        StringBuilder csv = new StringBuilder(256 + rows.size() * 160);
        List<String> header = new ArrayList<>();
        groupBy.forEach(dimension -> header.add(dimension.wireName()));
        header.addAll(SUMS);
        csv.append(String.join(",", header)).append("\r\n");
        for (UsageRow row : rows) {
            for (String value : row.group()) {
                csv.append(groupCell(value)).append(',');
            }
            csv.append(row.requests()).append(',').append(row.errors()).append(',')
                    .append(row.inputTokens()).append(',').append(row.outputTokens()).append(',')
                    .append(row.cacheReadTokens()).append(',').append(row.cacheWriteTokens()).append(',')
                    .append(row.reasoningTokens()).append(',')
                    .append(plain(row.costUsd())).append(',')
                    .append(plain(millis(row.latencyP50Us()))).append(',').append(plain(millis(row.latencyP95Us())))
                    .append("\r\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A group's value as a CSV cell. Values a client chose (a user, a session or task id) could start like a
     * spreadsheet formula ({@code =HYPERLINK(...)}); such a cell is prefixed with {@code '} so a spreadsheet
     * shows it as text (OWASP's advice on CSV injection).
     */
    private static String groupCell(String value) {
        if (value == null) {
            return "";
        }
        String cell = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0) {
            return '"' + cell.replace("\"", "\"\"") + '"';
        }
        return cell;
    }

    /** Microseconds as milliseconds, exactly: {@code 310.2}, never {@code 3.102E2}. */
    private static BigDecimal millis(Long micros) {
        if (micros == null) {
            return null;
        }
        BigDecimal millis = BigDecimal.valueOf(micros, 3).stripTrailingZeros();
        return millis.scale() < 0 ? millis.setScale(0) : millis;
    }

    private static String plain(BigDecimal value) {
        return value == null ? "" : value.toPlainString();
    }
}
