package caravan.guardrails;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces findings in a text with their typed placeholders: {@code [EMAIL]}, or with a vault a numbered one
 * ({@code [EMAIL_1]}) that the answer can be restored from. Overlapping findings (a number read both as a
 * phone number and as a card) are replaced once, by the one that starts first, the longer on a tie.
 */
final class Redactor {

    private static final Comparator<Finding> ORDER = Comparator.comparingInt(Finding::start)
            .thenComparing(Comparator.comparingInt(Finding::end).reversed());

    private Redactor() {
    }

    /** {@code findings} belong to this text; {@code vault} is null for plain (irreversible) placeholders. */
    static String redact(String text, List<Finding> findings, RedactionVault vault) {
        if (findings.isEmpty()) {
            return text;
        }
        List<Finding> ordered = new ArrayList<>(findings);
        ordered.sort(ORDER);
        StringBuilder redacted = new StringBuilder(text.length());
        int copied = 0;
        for (Finding finding : ordered) {
            if (finding.start() < copied) {
                continue;
            }
            redacted.append(text, copied, finding.start());
            String label = finding.label() == null ? "REDACTED" : finding.label();
            redacted.append(vault == null ? "[" + label + "]"
                    : vault.placeholder(label, text.substring(finding.start(), finding.end())));
            copied = finding.end();
        }
        return redacted.append(text, copied, text.length()).toString();
    }
}
