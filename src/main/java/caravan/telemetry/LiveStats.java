package caravan.telemetry;

import caravan.api.GuardrailOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import caravan.api.Usage;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the {@code /ui} dashboard shows, kept in memory: per provider the calls of the last minute (rates,
 * error rates, latency percentiles), totals since start (fallbacks, cache, guardrails, tokens, spend) and
 * the most recent calls, without their content. Updated once per call under one lock; read every few
 * seconds by the page. Spend by tenant and model comes from the usage ledger, not from here.
 */
public final class LiveStats implements CallListener {

    static final int WINDOW_SECONDS = 60;
    /** Latencies kept per provider for the window's percentiles: the most recent ones when there are more. */
    private static final int LATENCY_SAMPLES = 2048;

    private final Clock clock;
    private final int recentSize;
    private final Map<String, ProviderWindow> providers = new TreeMap<>();
    private final Deque<CallRecord> recent = new ArrayDeque<>();
    private long requests;
    private long errors;
    private long fallbacks;
    private long cacheLookups;
    private long cacheHits;
    private double costSavedUsd;
    private long guardrailChecks;
    private long guardrailBlocks;
    private long inputTokens;
    private long outputTokens;
    private double costUsd;

    private final MetricLabels labels;

    /** @param labels the names its tables may show (the same bounded sets as the metrics) */
    public LiveStats(Clock clock, int recentSize, MetricLabels labels) {
        this.clock = clock;
        this.recentSize = recentSize;
        this.labels = labels;
    }

    @Override
    public synchronized void onCall(CallRecord call) {
        long now = clock.millis();
        requests++;
        if (call.failed()) {
            errors++;
        }
        if (call.fallbacks() > 0) {
            fallbacks++;
        }
        String provider = call.provider() == null ? "(none)" : labels.provider(call.provider());
        providers.computeIfAbsent(provider, p -> new ProviderWindow()).add(now, call);
        Usage usage = call.usage();
        if (usage != null) {
            inputTokens += usage.inputTokens();
            outputTokens += usage.outputTokens();
            costUsd += dollars(call);
        }
        if (call.cache() != null && call.cache().result() != caravan.api.CacheOutcome.Result.BYPASS) {
            cacheLookups++;
            if (call.cache().hit()) {
                cacheHits++;
                costSavedUsd += call.costSavedUsd() == null ? 0 : call.costSavedUsd().doubleValue();
            }
        }
        recent.addFirst(call);
        if (recent.size() > recentSize) {
            recent.removeLast();
        }
    }

    /** A mirrored call is spend too. */
    @Override
    public synchronized void onMirror(MirrorOutcome outcome) {
        if (outcome.usage() == null) {
            return;
        }
        inputTokens += outcome.usage().inputTokens();
        outputTokens += outcome.usage().outputTokens();
        costUsd += outcome.costUsd() == null ? 0 : outcome.costUsd();
    }

    @Override
    public synchronized void onGuardrail(GuardrailOutcome outcome, String route) {
        guardrailChecks++;
        if (outcome.outcome().stopped()) {
            guardrailBlocks++;
        }
    }

    /** The dashboard's JSON (README: "Observability" documents the shape). */
    public synchronized ObjectNode snapshot() {
        long now = clock.millis();
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode root = json.objectNode();
        root.put("generatedAt", Instant.ofEpochMilli(now).toString());
        root.put("windowSeconds", WINDOW_SECONDS);

        ObjectNode window = root.putObject("window");
        ArrayNode providerRows = json.arrayNode();
        long windowRequests = 0;
        long windowErrors = 0;
        for (Map.Entry<String, ProviderWindow> entry : providers.entrySet()) {
            ProviderWindow stats = entry.getValue();
            stats.expire(now);
            if (stats.calls() == 0) {
                continue;
            }
            windowRequests += stats.calls();
            windowErrors += stats.errors();
            ObjectNode row = providerRows.addObject();
            row.put("provider", entry.getKey());
            rates(row, stats.calls(), stats.errors());
            double[] latencies = stats.sortedLatencies();
            row.put("p50Ms", percentile(latencies, 0.50));
            row.put("p95Ms", percentile(latencies, 0.95));
            row.put("p99Ms", percentile(latencies, 0.99));
        }
        rates(window, windowRequests, windowErrors);
        window.set("providers", providerRows);

        ObjectNode totals = root.putObject("totals");
        totals.put("requests", requests);
        totals.put("errors", errors);
        totals.put("fallbacks", fallbacks);
        ratio(totals, "fallbackRate", fallbacks, requests);
        // lookups the cache made (bypasses are none); with no lookup the rate is null: "no cache configured"
        totals.put("cacheLookups", cacheLookups);
        totals.put("cacheHits", cacheHits);
        ratio(totals, "cacheHitRate", cacheHits, cacheLookups);
        totals.put("cacheCostSavedUsd", costSavedUsd);
        totals.put("guardrailChecks", guardrailChecks);
        totals.put("guardrailBlocks", guardrailBlocks);
        ratio(totals, "guardrailBlockRate", guardrailBlocks, guardrailChecks);
        totals.put("inputTokens", inputTokens);
        totals.put("outputTokens", outputTokens);
        totals.put("costUsd", costUsd);

        ArrayNode recentRows = root.putArray("recent");
        recent.forEach(call -> writeRecent(call, recentRows.addObject()));
        return root;
    }

    private static void rates(ObjectNode node, long calls, long errors) {
        node.put("requests", calls);
        node.put("requestsPerSecond", round((double) calls / WINDOW_SECONDS));
        node.put("errors", errors);
        ratio(node, "errorRate", errors, calls);
    }

    private static void ratio(ObjectNode node, String field, long part, long whole) {
        if (whole == 0) {
            node.putNull(field);
        } else {
            node.put(field, round((double) part / whole));
        }
    }

    private static void writeRecent(CallRecord call, ObjectNode row) {
        row.put("id", call.requestId());
        row.put("time", Instant.ofEpochMilli(call.startedAtMillis()).toString());
        row.put("route", call.route());
        row.put("provider", call.provider());
        row.put("model", call.model());
        row.put("tenant", call.tenant());
        row.put("status", call.status());
        row.put("stream", call.stream());
        row.put("latencyMs", round(call.durationNanos() / 1e6));
        if (call.ttfcNanos() >= 0) {
            row.put("ttfcMs", round(call.ttfcNanos() / 1e6));
        } else {
            row.putNull("ttfcMs");
        }
        row.put("attempts", call.attempts());
        Usage usage = call.usage();
        row.put("inputTokens", usage == null ? 0 : usage.inputTokens());
        row.put("outputTokens", usage == null ? 0 : usage.outputTokens());
        if (call.costUsd() != null) {
            row.put("costUsd", call.costUsd().doubleValue());
        } else {
            // tokens of a model without a price: unknown, not free
            row.putNull("costUsd");
        }
        row.put("error", call.errorMessage());
        row.put("cache", call.cache() == null ? null : call.cache().outcome());
    }

    /** The figures here are sums for a page: an unpriced call (cost unknown) adds no dollars. */
    private static double dollars(CallRecord call) {
        return call.costUsd() == null ? 0 : call.costUsd().doubleValue();
    }

    static double percentile(double[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return round(sorted[Math.max(0, Math.min(sorted.length - 1, index))]);
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    /** One provider's calls in the last minute: counts per second, and its most recent latencies. */
    private static final class ProviderWindow {
        private final long[] second = new long[WINDOW_SECONDS];
        private final long[] calls = new long[WINDOW_SECONDS];
        private final long[] errors = new long[WINDOW_SECONDS];
        private final Deque<long[]> latencies = new ArrayDeque<>();

        void add(long nowMillis, CallRecord call) {
            long epochSecond = nowMillis / 1000;
            int slot = (int) (epochSecond % WINDOW_SECONDS);
            if (second[slot] != epochSecond) {
                second[slot] = epochSecond;
                calls[slot] = 0;
                errors[slot] = 0;
            }
            calls[slot]++;
            if (call.failed()) {
                errors[slot]++;
            }
            latencies.addLast(new long[] {nowMillis, call.durationNanos()});
            if (latencies.size() > LATENCY_SAMPLES) {
                latencies.removeFirst();
            }
        }

        void expire(long nowMillis) {
            long oldest = nowMillis / 1000 - WINDOW_SECONDS + 1;
            for (int slot = 0; slot < WINDOW_SECONDS; slot++) {
                if (second[slot] < oldest) {
                    calls[slot] = 0;
                    errors[slot] = 0;
                }
            }
            for (Iterator<long[]> it = latencies.iterator(); it.hasNext(); ) {
                if (it.next()[0] / 1000 < oldest) {
                    it.remove();
                } else {
                    break;
                }
            }
        }

        long calls() {
            return Arrays.stream(calls).sum();
        }

        long errors() {
            return Arrays.stream(errors).sum();
        }

        double[] sortedLatencies() {
            double[] millis = latencies.stream().mapToDouble(sample -> sample[1] / 1e6).toArray();
            Arrays.sort(millis);
            return millis;
        }
    }
}
