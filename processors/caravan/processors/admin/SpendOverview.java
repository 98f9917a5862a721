package caravan.processors.admin;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import caravan.api.Json;
import caravan.ledger.UsageDimension;
import caravan.ledger.UsageQuery;
import caravan.ledger.UsageReport;
import caravan.ledger.UsageRow;
import caravan.telemetry.MetricLabels;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The dashboard's "Spend by tenant and model" ({@code spend} in {@code /v1/caravan/stats}): this month's
 * (UTC) sums from the usage ledger, so every instance sharing the store, and every earlier run, is in them.
 * Calls that reached no provider cost nothing and are left out. Names go through the metrics' bounded labels
 * (a made-up model is {@code other}), so the page stays one screen however many names clients invent. The
 * ledger is read at most once every {@value #FRESH_MILLIS} ms, however many pages are open. Blocking: on the
 * store's pool.
 */
public final class SpendOverview {

    static final long FRESH_MILLIS = 5_000;
    private static final List<UsageDimension> BY = List.of(UsageDimension.TENANT, UsageDimension.PROVIDER,
            UsageDimension.MODEL);

    private record Read(ArrayNode rows, long at) {
    }

    private final UsageReport report;
    private final MetricLabels labels;
    private final Clock clock;
    private volatile Read last;

    public SpendOverview(UsageReport report, MetricLabels labels, Clock clock) {
        this.report = report;
        this.labels = labels;
        this.clock = clock;
    }

    public ArrayNode snapshot() {
        long now = clock.millis();
        Read read = last;
        if (read == null || now - read.at() >= FRESH_MILLIS) {
            read = new Read(rows(Instant.ofEpochMilli(now)), now);
            last = read;
        }
        return read.rows();
    }

    private ArrayNode rows(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant monthStart = today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<String, Spend> byLabel = new TreeMap<>();
        for (UsageRow row : report.run(new UsageQuery(BY, monthStart, null, null, null), false)) {
            String provider = row.group().get(1);
            if (provider == null) {
                continue;
            }
            String tenant = labels.tenant(row.group().get(0));
            String model = labels.provider(provider) + "/" + labels.model(provider, row.group().get(2));
            byLabel.computeIfAbsent(tenant + "\u0000" + model, key -> new Spend(tenant, model)).add(row);
        }
        ArrayNode rows = Json.MAPPER.createArrayNode();
        byLabel.values().forEach(spend -> spend.writeTo(rows.addObject()));
        return rows;
    }

    /** One row of the table: the ledger's groups that share a label, added up. */
    private static final class Spend {
        private final String tenant;
        private final String model;
        private long requests;
        private long inputTokens;
        private long outputTokens;
        private BigDecimal costUsd;

        Spend(String tenant, String model) {
            this.tenant = tenant;
            this.model = model;
        }

        void add(UsageRow row) {
            requests += row.requests();
            inputTokens += row.inputTokens();
            outputTokens += row.outputTokens();
            if (row.costUsd() != null) {
                costUsd = costUsd == null ? row.costUsd() : costUsd.add(row.costUsd());
            }
        }

        void writeTo(ObjectNode row) {
            row.put("tenant", tenant);
            row.put("model", model);
            row.put("requests", requests);
            row.put("inputTokens", inputTokens);
            row.put("outputTokens", outputTokens);
            row.put("costUsd", costUsd);
        }
    }
}
