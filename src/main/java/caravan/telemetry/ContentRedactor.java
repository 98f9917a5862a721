package caravan.telemetry;

import java.util.regex.Pattern;

/**
 * Masks what must not leave the gateway in captured prompts and answers: e-mail addresses, card and other
 * long digit runs, phone numbers, and things shaped like API keys or bearer tokens.
 */
public final class ContentRedactor {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern SECRET = Pattern.compile(
            "(?i)\\b(?:sk|pk|rk|ak)-[A-Za-z0-9_-]{8,}|\\bAKIA[0-9A-Z]{16}\\b|(?i)bearer\\s+[A-Za-z0-9._~+/=-]{8,}");
    private static final Pattern CARD = Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b");
    private static final Pattern PHONE = Pattern.compile("\\+?\\d[\\d ().-]{7,}\\d");

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = SECRET.matcher(text).replaceAll("[REDACTED_SECRET]");
        masked = EMAIL.matcher(masked).replaceAll("[REDACTED_EMAIL]");
        masked = CARD.matcher(masked).replaceAll("[REDACTED_NUMBER]");
        return PHONE.matcher(masked).replaceAll("[REDACTED_PHONE]");
    }
}
