package caravan.guardrails;

import java.util.function.Consumer;

/**
 * Finds spans in text: the working part of the guardrails that look for things in words (personal data,
 * secrets, banned terms, injection phrasings). An implementation runs in time linear in the text, whatever
 * the text (no backtracking regular expressions), so the default set costs the same on hostile input as on
 * prose, and one scanner serves a whole request, an answer, and a stream read piece by piece.
 */
public interface TextScanner {

    /** Reports every span it finds in {@code text} to {@code found}, in order, with the {@code slot} given. */
    void scan(String text, Source source, int slot, Consumer<Finding> found);

    /**
     * The longest text one finding can span: how much of a stream must be held back so a match split across
     * chunks is still caught whole.
     */
    int maxSpan();
}
