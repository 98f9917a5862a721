package caravan.guardrails;

import java.util.Locale;

/** Whether the call waits for a guardrail ({@code sync}) or the check runs beside it and only records ({@code async}). */
public enum Mode {
    SYNC, ASYNC;

    public static Mode of(String text) {
        for (Mode mode : values()) {
            if (mode.name().equalsIgnoreCase(text.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("mode must be sync or async, not '" + text + "'");
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
