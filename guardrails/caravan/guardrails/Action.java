package caravan.guardrails;

import java.util.Locale;

/** What a guardrail does with what it found. */
public enum Action {
    /** Refuse the call: 400 {@code guardrail_blocked} (or 502 {@code guardrail_failed} for an unusable answer). */
    BLOCK,
    /** Let it through and record it. */
    WARN,
    /** Replace what was found with a typed placeholder ({@code [EMAIL]}) and go on. */
    REDACT;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }

    /** {@code block}, {@code warn} or {@code redact}, in any case. */
    public static Action of(String text) {
        for (Action action : values()) {
            if (action.wireName.equalsIgnoreCase(text.trim())) {
                return action;
            }
        }
        throw new IllegalArgumentException("action must be block, warn or redact, not '" + text + "'");
    }
}
