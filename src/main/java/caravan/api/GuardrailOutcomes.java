package caravan.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Every guardrail outcome of one call, in the order the checks ended: the exchange variable
 * {@link Variables#GUARDRAIL_OUTCOMES}, the one place that says what the guardrails did. The edge writes
 * {@link #header()} as {@code x-caravan-guardrails}; the usage ledger reads {@link #summary()} when the call
 * has ended. Checks running in async mode may add their outcome from another thread after the answer went
 * out, so the list is guarded.
 */
public final class GuardrailOutcomes {

    /** The ledger's column holds this much; a longer summary is cut at an entry's end. */
    public static final int SUMMARY_CHARS = 255;

    private final List<GuardrailOutcome> entries = new ArrayList<>(4);

    /** The call's outcomes, made on first use. */
    public static GuardrailOutcomes of(org.apache.camel.Exchange exchange) {
        GuardrailOutcomes outcomes = exchange.getVariable(Variables.GUARDRAIL_OUTCOMES, GuardrailOutcomes.class);
        if (outcomes == null) {
            outcomes = new GuardrailOutcomes();
            exchange.setVariable(Variables.GUARDRAIL_OUTCOMES, outcomes);
        }
        return outcomes;
    }

    public synchronized void add(GuardrailOutcome outcome) {
        entries.add(outcome);
    }

    public synchronized List<GuardrailOutcome> entries() {
        return List.copyOf(entries);
    }

    /**
     * The {@code x-caravan-guardrails} value: every check the answer waited for, as {@code name=outcome}
     * joined by {@code ;} ({@code pii=redacted;secrets=passed}); empty when none ran. Async checks are left
     * out: whether one had ended when the header went out would be a matter of timing.
     */
    public synchronized String header() {
        StringBuilder header = new StringBuilder(entries.size() * 16);
        for (GuardrailOutcome entry : entries) {
            if (!entry.async()) {
                append(header, entry);
            }
        }
        return header.toString();
    }

    /** Every outcome so far, async ones included, in the header's form, at most {@value #SUMMARY_CHARS} characters. */
    public synchronized String summary() {
        StringBuilder summary = new StringBuilder(entries.size() * 16);
        for (GuardrailOutcome entry : entries) {
            int before = summary.length();
            append(summary, entry);
            if (summary.length() > SUMMARY_CHARS) {
                summary.setLength(before);
                break;
            }
        }
        return summary.toString();
    }

    private static void append(StringBuilder into, GuardrailOutcome entry) {
        if (!into.isEmpty()) {
            into.append(';');
        }
        into.append(entry.guardrail()).append('=').append(entry.outcome().wireName());
    }

    @Override
    public String toString() {
        return summary();
    }
}
