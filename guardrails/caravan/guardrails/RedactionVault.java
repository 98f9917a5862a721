package caravan.guardrails;

import java.util.HashMap;
import java.util.Map;

/**
 * Reversible redaction for one call: each value a redaction replaced gets a numbered placeholder
 * ({@code [EMAIL_1]}, the same one wherever the value appears), the provider sees only placeholders, and the
 * answer's placeholders are restored for the client. Kept in the call's exchange ({@code redactions}) and
 * nowhere else: it never reaches a provider, a log or a span.
 */
public final class RedactionVault {

    /** Placeholders are {@code [LABEL_n]}: no longer than this, so a stream holds back at most this much to restore one. */
    static final int MAX_PLACEHOLDER = 40;

    private final Map<String, String> values = new HashMap<>();
    private final Map<String, String> placeholders = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();

    /** The placeholder standing for {@code value}, made on first use. */
    public synchronized String placeholder(String label, String value) {
        String known = placeholders.get(value);
        if (known != null) {
            return known;
        }
        int n = counters.merge(label, 1, Integer::sum);
        String placeholder = "[" + label + "_" + n + "]";
        placeholders.put(value, placeholder);
        values.put(placeholder, value);
        return placeholder;
    }

    public synchronized boolean isEmpty() {
        return values.isEmpty();
    }

    /** {@code text} with every placeholder of this vault put back to its value; the same string when it has none. */
    public synchronized String restore(String text) {
        if (values.isEmpty() || text.indexOf('[') < 0) {
            return text;
        }
        StringBuilder restored = null;
        int copied = 0;
        for (int open = text.indexOf('['); open >= 0; ) {
            int close = text.indexOf(']', open + 1);
            if (close < 0) {
                break;
            }
            if (close - open < MAX_PLACEHOLDER) {
                String value = values.get(text.substring(open, close + 1));
                if (value != null) {
                    if (restored == null) {
                        restored = new StringBuilder(text.length() + 32);
                    }
                    restored.append(text, copied, open).append(value);
                    copied = close + 1;
                    open = text.indexOf('[', copied);
                    continue;
                }
            }
            open = text.indexOf('[', open + 1);
        }
        if (restored == null) {
            return text;
        }
        return restored.append(text, copied, text.length()).toString();
    }

    /**
     * Where a placeholder might begin that {@code text} cuts short: the last {@code [} with no {@code ]} after
     * it, less than {@link #MAX_PLACEHOLDER} characters from the end; -1 when there is none. A stream holds
     * the text back from there until the rest arrives.
     */
    static int openPlaceholderAt(CharSequence text) {
        int length = text.length();
        for (int i = length - 1; i >= 0 && i > length - MAX_PLACEHOLDER; i--) {
            char c = text.charAt(i);
            if (c == ']') {
                return -1;
            }
            if (c == '[') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "RedactionVault[" + values.size() + " values]";
    }
}
