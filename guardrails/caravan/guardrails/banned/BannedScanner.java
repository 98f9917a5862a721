package caravan.guardrails.banned;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import caravan.guardrails.Finding;
import caravan.guardrails.PhraseMatcher;
import caravan.guardrails.Source;
import caravan.guardrails.TextScanner;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * Banned terms, matched as whole words with case folded ({@code Project Titan} finds {@code project titan.}
 * but not {@code titanic}), and a banned regular expression, run by RE2/J, whose time is linear in the text
 * whatever the expression (a route's or an admin's pattern cannot stall the gateway).
 */
final class BannedScanner implements TextScanner {

    static final String LABEL = "BANNED";

    private final PhraseMatcher terms;
    private final Pattern pattern;
    private final int maxSpan;

    BannedScanner(List<String> terms, Pattern pattern, int patternSpan) {
        List<PhraseMatcher.Phrase> phrases = new ArrayList<>(terms.size());
        int longest = 0;
        for (String term : terms) {
            String words = words(term);
            if (words.isEmpty()) {
                throw new IllegalArgumentException("the banned term '" + term + "' has no letters or digits; use pattern");
            }
            phrases.add(new PhraseMatcher.Phrase(words, "banned term"));
            longest = Math.max(longest, term.length());
        }
        this.terms = phrases.isEmpty() ? null : new PhraseMatcher(phrases);
        this.pattern = pattern;
        // words of a term may be spread by more space than the term has: leave them room
        this.maxSpan = Math.max(longest * 2, pattern == null ? 0 : patternSpan);
    }

    /** A term as the words it is made of, space-separated: what the phrase matcher reads (no choices, no wildcards). */
    private static String words(String term) {
        StringBuilder words = new StringBuilder(term.length());
        int i = 0;
        while (i < term.length()) {
            if (!Character.isLetterOrDigit(term.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < term.length() && (Character.isLetterOrDigit(term.charAt(i)) || term.charAt(i) == '\'')) {
                i++;
            }
            if (!words.isEmpty()) {
                words.append(' ');
            }
            words.append(term, start, i);
        }
        return words.toString();
    }

    @Override
    public int maxSpan() {
        return maxSpan;
    }

    @Override
    public void scan(String text, Source source, int slot, Consumer<Finding> found) {
        if (terms != null) {
            terms.find(text, (start, end, kind) -> found.accept(new Finding(slot, start, end, LABEL, kind)));
        }
        if (pattern != null) {
            Matcher matcher = pattern.matcher(text);
            while (matcher.find()) {
                if (matcher.end() > matcher.start()) {
                    found.accept(new Finding(slot, matcher.start(), matcher.end(), LABEL, "banned pattern match"));
                }
            }
        }
    }
}
