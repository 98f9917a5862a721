package caravan.guardrails;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one check concluded, before the configured action and threshold decide what happens: a score, what
 * was found (where, never the text), and for an evaluator that rewrites texts itself, the rewritten texts.
 *
 * @param score        0..1; the check is flagged when it reaches the configured threshold. Rules score 1 when they match.
 * @param reason       what was found, in words that never repeat the text ("1 credit card number"); null when nothing was
 * @param findings     spans to replace on {@code redact}; empty when the guardrail cannot point at spans
 * @param replacements whole texts to put in place of slots on {@code redact} (by slot index), from an evaluator that
 *                     redacts itself; empty otherwise
 * @param unavailable  the check could not be made (an evaluator timed out or failed)
 * @param failOpen     for an unavailable check: whether the call goes on without it
 */
public record Verdict(double score, String reason, List<Finding> findings, Map<Integer, String> replacements,
                      boolean unavailable, boolean failOpen) {

    private static final Verdict PASS = new Verdict(0, null, List.of(), Map.of(), false, false);

    public Verdict {
        findings = List.copyOf(findings);
        replacements = Map.copyOf(replacements);
    }

    public static Verdict pass() {
        return PASS;
    }

    /** A score below 1 that flags nothing by itself: a scoring check's negative verdict. */
    public static Verdict scored(double score, String reason) {
        return new Verdict(score, reason, List.of(), Map.of(), false, false);
    }

    /** Rule findings: flagged (score 1) when there are any, with the reason counting them by kind. */
    public static Verdict found(List<Finding> findings) {
        return findings.isEmpty() ? PASS : new Verdict(1, describe(findings), findings, Map.of(), false, false);
    }

    /** An evaluator's own rewrite of some texts (by slot index). */
    public static Verdict rewritten(Map<Integer, String> replacements, String reason) {
        return new Verdict(1, reason, List.of(), replacements, false, false);
    }

    public static Verdict unavailable(String reason, boolean failOpen) {
        return new Verdict(0, reason, List.of(), Map.of(), true, failOpen);
    }

    /** Whether there is anything to redact with. */
    public boolean redactable() {
        return !findings.isEmpty() || !replacements.isEmpty();
    }

    /** "2 email addresses and 1 credit card number": the findings counted by kind, in the order first found. */
    static String describe(List<Finding> findings) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Finding finding : findings) {
            counts.merge(finding.kind(), 1, Integer::sum);
        }
        StringBuilder reason = new StringBuilder();
        int index = 0;
        for (Map.Entry<String, Integer> count : counts.entrySet()) {
            if (index > 0) {
                reason.append(index == counts.size() - 1 ? " and " : ", ");
            }
            int n = count.getValue();
            reason.append(n).append(' ').append(n == 1 ? count.getKey() : plural(count.getKey()));
            index++;
        }
        return reason.toString();
    }

    private static String plural(String kind) {
        return kind.endsWith("s") ? kind + "es" : kind + "s";
    }
}
