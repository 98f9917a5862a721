package caravan.guardrails;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of one streamed answer choice that has arrived but not yet gone to the client. Each new piece is
 * scanned together with what is held; what can no longer be part of a match (everything but the last
 * {@code maxSpan - 1} characters, and never a match that reaches into them) is released, redacted, and its
 * placeholders restored. So a card number split across chunks is still caught whole, and the client waits
 * for at most the longest pattern's span of text, never for the whole answer.
 */
final class HeldText {

    /** What one scanning guardrail does on the stream, and what it has done so far. */
    static final class Scan {
        final GuardrailStep step;
        boolean flagged;
        boolean redacted;

        Scan(GuardrailStep step) {
            this.step = step;
        }
    }

    private final StringBuilder held = new StringBuilder();
    private final int holdBack;

    /** @param holdBack the longest span any of the guardrails (or a placeholder to restore) can have */
    HeldText(int holdBack) {
        this.holdBack = holdBack;
    }

    void append(String text) {
        held.append(text);
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    /**
     * Scans what is held and returns what may go to the client now (all of it when {@code last}).
     *
     * @throws StreamBlocked when a guardrail set to block finds something, anywhere in what is held
     */
    String release(List<Scan> scans, RedactionVault vault, boolean last) {
        String text = held.toString();
        int cut = last ? text.length() : Math.max(0, text.length() - (holdBack - 1));
        List<Finding> redactions = new ArrayList<>(0);
        for (Scan scan : scans) {
            List<Finding> found = new ArrayList<>(0);
            scan.step.guardrail().scanner().scan(text, Source.ANSWER, 0, found::add);
            if (found.isEmpty() || !scan.step.flags(Verdict.found(found))) {
                continue;
            }
            if (scan.step.action() == Action.BLOCK) {
                throw new StreamBlocked(scan, Verdict.found(found).reason());
            }
            for (Finding finding : found) {
                if (!last && finding.end() > cut) {
                    // it may grow with the next piece: hold it back, and everything after its start
                    cut = Math.min(cut, finding.start());
                    continue;
                }
                scan.flagged = true;
                if (scan.step.action() == Action.REDACT) {
                    scan.redacted = true;
                    redactions.add(finding);
                }
            }
        }
        if (!last) {
            cut = wordBoundaryAtOrBefore(text, cut);
            if (vault != null) {
                int open = RedactionVault.openPlaceholderAt(text.subSequence(0, cut));
                if (open >= 0) {
                    cut = open;
                }
            }
            // a redaction the cut falls inside is held back whole, or its start would go out unredacted
            for (boolean moved = true; moved; ) {
                moved = false;
                for (Finding finding : redactions) {
                    if (finding.start() < cut && finding.end() > cut) {
                        cut = finding.start();
                        moved = true;
                    }
                }
            }
        }
        List<Finding> released = new ArrayList<>(redactions.size());
        for (Finding finding : redactions) {
            if (finding.end() <= cut) {
                released.add(finding);
            }
        }
        String out = Redactor.redact(text.substring(0, cut), released, null);
        held.delete(0, cut);
        return vault == null ? out : vault.restore(out);
    }

    /**
     * The text is released up to a space where one is near, so what is held starts a word, as the scanners
     * expect a text to (a number glued to a word is not read as one of its own).
     */
    private int wordBoundaryAtOrBefore(String text, int cut) {
        for (int i = cut; i > 0 && i > cut - holdBack; i--) {
            if (Character.isWhitespace(text.charAt(i - 1))) {
                return i;
            }
        }
        return cut;
    }

    /** A guardrail set to block found something in the stream. */
    static final class StreamBlocked extends RuntimeException {
        final transient Scan scan;
        final String reason;

        StreamBlocked(Scan scan, String reason) {
            super(reason, null, false, false);
            this.scan = scan;
            this.reason = reason;
        }
    }
}
