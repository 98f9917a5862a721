package caravan.guardrails;

import java.util.Locale;

/** Where a guardrail looks: at the request before any provider sees it, or at the answer before the client does. */
public enum Stage {
    PRE, POST;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }

    /** {@code pre} or {@code post}, in any case. */
    public static Stage of(String text) {
        for (Stage stage : values()) {
            if (stage.wireName.equalsIgnoreCase(text.trim())) {
                return stage;
            }
        }
        throw new IllegalArgumentException("stage must be pre or post, not '" + text + "'");
    }
}
