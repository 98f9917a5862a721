package caravan.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import caravan.telemetry.CallListener;
import caravan.telemetry.MirrorOutcome;

/**
 * The outcomes of mirrored calls, for comparing a candidate model with what serves a route today: the
 * recent ones, and totals per route and candidate.
 */
public final class MirrorLedger implements CallListener {

    private final int keep;
    private final Deque<MirrorOutcome> recent = new ArrayDeque<>();
    private final Map<String, Totals> totals = new TreeMap<>();

    public MirrorLedger(int keep) {
        this.keep = keep;
    }

    @Override
    public synchronized void onMirror(MirrorOutcome outcome) {
        recent.addFirst(outcome);
        if (recent.size() > keep) {
            recent.removeLast();
        }
        totals.computeIfAbsent(outcome.route() + " -> " + outcome.candidate(), key -> new Totals()).add(outcome);
    }

    public synchronized List<MirrorOutcome> recent() {
        return new ArrayList<>(recent);
    }

    public synchronized Map<String, Totals> totals() {
        Map<String, Totals> copy = new TreeMap<>();
        totals.forEach((key, value) -> copy.put(key, value.copy()));
        return copy;
    }

    /** Sums per route and candidate; the means are over the calls that produced the figure. */
    public static final class Totals {
        public long calls;
        public long errors;
        public double latencyMsSum;
        public long inputTokens;
        public long outputTokens;
        public double costUsd;
        public double divergenceSum;
        public long divergenceSamples;

        void add(MirrorOutcome outcome) {
            calls++;
            if (!outcome.succeeded()) {
                errors++;
                return;
            }
            latencyMsSum += outcome.latencyMs();
            inputTokens += outcome.inputTokens();
            outputTokens += outcome.outputTokens();
            costUsd += outcome.costUsd() == null ? 0 : outcome.costUsd();
            if (outcome.divergence() != null) {
                divergenceSum += outcome.divergence();
                divergenceSamples++;
            }
        }

        public double meanLatencyMs() {
            return calls == errors ? 0 : latencyMsSum / (calls - errors);
        }

        public Double meanDivergence() {
            return divergenceSamples == 0 ? null : divergenceSum / divergenceSamples;
        }

        Totals copy() {
            Totals copy = new Totals();
            copy.calls = calls;
            copy.errors = errors;
            copy.latencyMsSum = latencyMsSum;
            copy.inputTokens = inputTokens;
            copy.outputTokens = outputTokens;
            copy.costUsd = costUsd;
            copy.divergenceSum = divergenceSum;
            copy.divergenceSamples = divergenceSamples;
            return copy;
        }
    }
}
