package caravan.guardrails;

/**
 * Something a guardrail found in one text: where it is and what it is, never the text itself.
 *
 * @param slot  the index of the text in its {@link Texts}
 * @param start the first character, inclusive
 * @param end   the last character, exclusive
 * @param label the placeholder's type when it is redacted ({@code EMAIL} becomes {@code [EMAIL]})
 * @param kind  what it is, in words, for the reason a block gives ({@code "credit card number"})
 */
public record Finding(int slot, int start, int end, String label, String kind) {
}
