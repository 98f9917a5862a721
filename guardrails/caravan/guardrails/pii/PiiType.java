package caravan.guardrails.pii;

import java.util.Locale;

/** The kinds of personal data the {@code pii} guardrail finds, each with its placeholder and its name in words. */
public enum PiiType {
    EMAIL("EMAIL", "email address"),
    PHONE("PHONE", "phone number"),
    CREDIT_CARD("CREDIT_CARD", "credit card number"),
    IBAN("IBAN", "IBAN"),
    SSN("SSN", "US social security number"),
    IP_ADDRESS("IP_ADDRESS", "IP address");

    private final String label;
    private final String kind;

    PiiType(String label, String kind) {
        this.label = label;
        this.kind = kind;
    }

    /** The placeholder's type: {@code [EMAIL]}. */
    public String label() {
        return label;
    }

    public String kind() {
        return kind;
    }

    /** {@code email}, {@code credit_card}, ... in any case. */
    static PiiType of(String name) {
        String wanted = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (wanted.equals("IP")) {
            return IP_ADDRESS;
        }
        for (PiiType type : values()) {
            if (type.name().equals(wanted)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown personal data type '" + name + "' (email, phone, credit_card, iban, ssn, ip_address)");
    }
}
